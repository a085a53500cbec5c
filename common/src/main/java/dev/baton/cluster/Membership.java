package dev.baton.cluster;

import dev.baton.hash.BuzHash;
import dev.baton.hash.RendezvousOwners;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;

/**
 * One membership view seen through the topology: who owns a key. Members carry their node name and
 * tiered role inside their JGroups address, so every node computes the same owners. Immutable.
 */
final class Membership {

  static final String NAME = "baton.name";
  static final String ROLE = "baton.role";

  private final View view;
  private final Topology topology;
  private final int owners;
  private final RendezvousOwners<Address> all;
  private final List<Address> repositories;

  Membership(View view, Topology topology, int owners, BuzHash hash) {
    this.view = view;
    this.topology = topology;
    this.owners = owners;
    List<Address> members = view.getMembers();
    List<String> names = new ArrayList<>(members.size());
    List<Address> repos = new ArrayList<>();
    for (Address a : members) {
      names.add(nameOf(a));
      if (isRepository(a)) {
        repos.add(a);
      }
    }
    this.all = new RendezvousOwners<>(members, names, hash);
    this.repositories = List.copyOf(repos);
  }

  static String nameOf(Address a) {
    if (a instanceof ExtendedUUID u && u.get(NAME) != null) {
      return new String(u.get(NAME), StandardCharsets.UTF_8);
    }
    return a.toString();
  }

  static boolean isRepository(Address a) {
    return a instanceof ExtendedUUID u && u.get(ROLE) != null && u.get(ROLE)[0] == 'R';
  }

  View view() {
    return view;
  }

  long viewId() {
    return view.getViewId().getId();
  }

  List<Address> members() {
    return view.getMembers();
  }

  /**
   * The members that must hold the key: all (replicated), the rendezvous owners (partitioned), or
   * the repositories (tiered; no one while no repository is up).
   */
  List<Address> owners(long keyHash) {
    return switch (topology) {
      case REPLICATED -> view.getMembers();
      case PARTITIONED -> all.owners(keyHash, owners);
      case TIERED -> repositories;
    };
  }

  /**
   * Whether {@code member} must hold the key: the same answer as {@code owners(keyHash).contains(member)},
   * without building a list for the replicated and tiered topologies (asked on every write and
   * every copy received).
   */
  boolean owns(Address member, long keyHash) {
    return switch (topology) {
      case REPLICATED -> view.containsMember(member);
      case PARTITIONED -> all.isOwner(keyHash, member, owners);
      case TIERED -> repositories.contains(member);
    };
  }

  /**
   * Owners in a fixed per-key order (rendezvous order; for replicated and tiered the full ranking
   * of the owner set), so that "the first surviving owner" names the same member on every node.
   */
  List<Address> rankedOwners(long keyHash) {
    return switch (topology) {
      case REPLICATED -> all.owners(keyHash, Integer.MAX_VALUE);
      case PARTITIONED -> all.owners(keyHash, owners);
      case TIERED -> {
        List<Address> ranked = new ArrayList<>(all.owners(keyHash, Integer.MAX_VALUE));
        ranked.retainAll(repositories);
        yield ranked;
      }
    };
  }

  boolean contains(Address a) {
    return view.containsMember(a);
  }
}
