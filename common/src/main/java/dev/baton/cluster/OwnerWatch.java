package dev.baton.cluster;

import dev.baton.wire.ClusterMessages;
import dev.baton.wire.Frames;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgroups.Address;

/**
 * Removes from the view an owner that stopped acknowledging sync writes while JGroups still counts
 * it alive (its heartbeats go on, its applying does not): after {@code syncMissesToExclude}
 * acknowledgements in a row missed, this node asks the coordinator to exclude it (or excludes it,
 * if it is the coordinator), so one stuck member costs the cluster's writes a few timeouts, not one
 * per write for as long as it stays. A member that is excluded wrongly merges back (MERGE3) and
 * takes state like any joiner.
 */
final class OwnerWatch {

  private final int missesToExclude;
  private final ClusterView view;
  private final NodeMetrics metrics;
  private final RateLimitedLog log;
  private final Map<Address, AtomicInteger> misses = new ConcurrentHashMap<>();
  private final Transport transport;

  OwnerWatch(ClusterSettings settings, ClusterView view, Transport transport, NodeMetrics metrics,
      RateLimitedLog log) {
    this.missesToExclude = settings.syncMissesToExclude();
    this.view = view;
    this.transport = transport;
    this.metrics = metrics;
    this.log = log;
  }

  /** {@code owner} acknowledged a sync write. */
  void acked(Address owner) {
    AtomicInteger n = misses.get(owner);
    if (n != null) {
      n.set(0);
    }
  }

  /** {@code owner}, still in view {@code m}, did not acknowledge a sync write within the timeout. */
  void missed(Membership m, Address owner) {
    if (missesToExclude <= 0) {
      return;
    }
    int n = misses.computeIfAbsent(owner, a -> new AtomicInteger()).incrementAndGet();
    if (n % missesToExclude != 0) {
      return;
    }
    String name = Membership.nameOf(owner);
    log.warn(() -> "member " + name + " missed " + n + " acknowledgements in a row (syncMissesToExclude="
        + missesToExclude + "): asking the coordinator to remove it from the view");
    metrics.ownersExcluded.increment();
    Address coordinator = m.view().getCoord();
    try {
      if (coordinator.equals(view.self())) {
        transport.exclude(owner);
      } else {
        transport.unicast(coordinator, Frames.frame(ClusterMessages.TYPE_EXCLUDE,
            ClusterMessages.exclude(m.viewId(), name)));
      }
    } catch (Exception ex) {
      log.warn("could not ask the coordinator to remove " + name + ": " + ex);
    }
  }

  /** A member asked this node, as the coordinator, to remove {@code request}'s member. */
  void requested(Address from, ClusterMessages.Exclude request) {
    Membership m = view.current();
    if (m == null || m.viewId() != request.viewId() || !view.self().equals(m.view().getCoord())) {
      return; // another view by now, or not the coordinator: the sender's next misses ask again
    }
    for (Address a : m.view().getMembers()) {
      if (Membership.nameOf(a).equals(request.memberName()) && !a.equals(from) && !a.equals(view.self())) {
        log.warn(() -> Membership.nameOf(from) + " reports that " + request.memberName()
            + " stopped acknowledging its writes: removing it from the view");
        transport.exclude(a);
        return;
      }
    }
  }

  /** Forgets the members that left {@code m}. */
  void viewAccepted(Membership m) {
    if (m != null) {
      misses.keySet().retainAll(m.view().getMembers());
    }
  }
}
