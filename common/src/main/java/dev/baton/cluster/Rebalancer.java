package dev.baton.cluster;

import dev.baton.state.StateEntry;
import dev.baton.wire.ClusterMessages;
import dev.baton.wire.Frames;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.MergeView;
import org.jgroups.View;

/**
 * What a view change sets in motion, on a thread of its own: each entry whose owners changed is
 * pushed to its new owners by one member only (the first of its old owners still present), so a
 * joiner gets its portion and a lost copy is re-created; after a merge every holder pushes to the
 * owners, so that both sides converge on the newest writes. Entries move to the table the new view
 * puts them in ({@link LocalStore#forEachPlacing}); a joiner is told when this member is done
 * ({@link JoinGate}).
 */
final class Rebalancer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Rebalancer.class.getName());
  private static final int PUSH_BATCH_BYTES = 256 * 1024;

  private final ClusterView view;
  private final LocalStore store;
  private final Transport transport;
  private final NodeMetrics metrics;
  private final RateLimitedLog log;
  private final JoinGate gate = new JoinGate();
  private final ExecutorService thread;
  private volatile boolean closed;

  Rebalancer(String nodeName, ClusterView view, LocalStore store, Transport transport, NodeMetrics metrics,
      RateLimitedLog log) {
    this.view = view;
    this.store = store;
    this.transport = transport;
    this.metrics = metrics;
    this.log = log;
    this.thread = Executors.newSingleThreadExecutor(Engine.daemon("baton-rebalance-" + nodeName));
  }

  JoinGate gate() {
    return gate;
  }

  /** Installs a new view at once (every write from now on is placed by it) and rebalances for it. */
  void viewAccepted(View v) {
    Membership prev = view.current();
    Membership next = view.install(v, transport.self());
    try {
      thread.execute(() -> {
        try {
          rebalance(prev, next, v instanceof MergeView);
        } catch (RuntimeException ex) {
          if (!closed) {
            LOG.log(Level.WARNING, "rebalancing after view " + v.getViewId() + " failed", ex);
          }
        }
      });
    } catch (RejectedExecutionException closing) {
      // The node is closing: a view delivered while it leaves needs no rebalancing.
    }
  }

  /** {@code from} finished pushing to this node. */
  void doneFrom(Address from) {
    gate.doneFrom(from);
  }

  private void rebalance(Membership prev, Membership next, boolean merge) {
    Address self = view.self();
    gate.viewChanged(prev, next, self);
    Map<Address, List<StateEntry>> batches = new HashMap<>();
    Map<Address, Integer> batchBytes = new HashMap<>();
    store.forEachPlacing(next, (e, h) -> {
      for (Address target : pushTargets(prev, next, merge, h, self)) {
        List<StateEntry> batch = batches.computeIfAbsent(target, t -> new ArrayList<>());
        batch.add(e);
        int bytes = batchBytes.merge(target, e.key().length + (e.value() == null ? 0 : e.value().length) + 48,
            Integer::sum);
        if (bytes >= PUSH_BATCH_BYTES) {
          push(target, next, batch);
          batches.remove(target);
          batchBytes.remove(target);
        }
      }
    });
    batches.forEach((target, batch) -> push(target, next, batch));
    byte[] done = Frames.frame(ClusterMessages.TYPE_REBALANCE_DONE, ClusterMessages.rebalanceDone(next.viewId()));
    for (Address a : next.members()) {
      if (!a.equals(self) && (prev == null || !prev.contains(a))) {
        unicast(a, done);
      }
    }
  }

  /**
   * Who must receive an entry after a view change: after a merge, every owner (from every holder);
   * otherwise the new owners, sent by the first old owner still present, or by every holder when no
   * old owner survived.
   */
  private static List<Address> pushTargets(Membership prev, Membership next, boolean merge, long h, Address self) {
    if (prev == null) {
      return List.of();
    }
    List<Address> targets = new ArrayList<>(next.owners(h));
    targets.remove(self);
    if (merge || targets.isEmpty()) {
      return targets;
    }
    Address primary = null;
    for (Address a : prev.rankedOwners(h)) {
      if (next.contains(a)) {
        primary = a;
        break;
      }
    }
    if (primary == null) {
      return targets;
    }
    if (!primary.equals(self)) {
      return List.of();
    }
    targets.removeAll(prev.owners(h));
    return targets;
  }

  private void push(Address target, Membership m, List<StateEntry> batch) {
    byte[] frame = Frames.frame(ClusterMessages.TYPE_ENTRIES,
        ClusterMessages.entries(ClusterMessages.PURPOSE_REBALANCE, m.viewId(), batch));
    metrics.rebalanced.add(batch.size());
    unicast(target, frame);
  }

  private void unicast(Address target, byte[] frame) {
    try {
      metrics.bytesSent.add(frame.length);
      transport.unicast(target, frame);
    } catch (Exception ex) {
      log.warn("could not send to " + target + ": " + ex);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
