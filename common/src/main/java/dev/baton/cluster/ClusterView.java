package dev.baton.cluster;

import dev.baton.hash.BuzHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.View;

/**
 * This node's current view of the cluster, seen through the topology: who the members are, who
 * owns a key, who coordinates. Each view is an immutable {@link Membership}; parts that decide
 * several things about one write read the view once and pass it along, so that the decisions agree
 * even when a new view arrives meanwhile. Before the first view every key is this node's.
 */
final class ClusterView {

  private final Topology topology;
  private final int owners;
  private final BuzHash hash;
  private volatile Membership current;
  private volatile Address self;

  ClusterView(Topology topology, int owners, BuzHash hash) {
    this.topology = topology;
    this.owners = owners;
    this.hash = hash;
  }

  /** The view now; null before the first. */
  Membership current() {
    return current;
  }

  /** Makes {@code view} the current one; returns it. */
  Membership install(View view, Address self) {
    this.self = self;
    Membership next = new Membership(view, topology, owners, hash);
    synchronized (this) {
      current = next;
      notifyAll();
    }
    return next;
  }

  /**
   * Waits until a view without {@code member} is installed, at most until {@code deadlineNanos}
   * ({@link System#nanoTime}); true if one was.
   */
  boolean awaitLeft(Address member, long deadlineNanos) throws InterruptedException {
    synchronized (this) {
      while (current != null && current.contains(member)) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  /** This node's address, once it has seen a view. */
  Address self() {
    return self;
  }

  /** Whether this node must hold the key by view {@code m} (everything before the first view). */
  boolean owns(Membership m, long keyHash) {
    return m == null || m.owns(self, keyHash);
  }

  /** The owners of the key by view {@code m} other than this node. */
  List<Address> otherOwners(Membership m, long keyHash) {
    List<Address> out = new ArrayList<>(m.owners(keyHash));
    out.remove(self);
    return out;
  }

  /** Whether anyone else is in view {@code m}: else there is nothing to replicate to. */
  static boolean alone(Membership m) {
    return m == null || m.members().size() < 2;
  }

  /** Names of the current members, in view order. */
  List<String> memberNames() {
    Membership m = current;
    List<String> out = new ArrayList<>();
    if (m != null) {
      for (Address a : m.members()) {
        out.add(Membership.nameOf(a));
      }
    }
    return out;
  }

  /** Whether this node is the first member of the current view: the one that does cluster-wide chores. */
  boolean isCoordinator() {
    Membership m = current;
    return m != null && !m.members().isEmpty() && m.members().get(0).equals(self);
  }
}
