package dev.baton.cluster;

import dev.baton.state.EntryCopy;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import dev.baton.wire.ClusterMessages;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.Frames;
import dev.baton.wire.MalformedMessageException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.View;

/**
 * What arrives from other nodes: opens each frame ({@link Frames}), reads it within this node's
 * {@link CodecLimits}, and hands it to the part it is for. Writes (whole entries and deltas) are
 * applied here, against the {@link LocalStore}; pulls, touches, views and "done" notices go to
 * their parts. Anything malformed, foreign or tampered is rejected, counted and warned about
 * (rate-limited), and applies nothing.
 *
 * <p>Runs on the transport's receiver threads, which also carry the acknowledgements this node
 * waits for: nothing here may block on the network, except a delta's fall-back fetch, which is out
 * of band.
 */
final class ReceivePath implements Transport.Inbound {

  private final CodecLimits limits = CodecLimits.DEFAULT;
  private final ClusterView view;
  private final LocalStore store;
  private final HybridClock clock;
  private final OwnerWatch owners;
  private final NodeMetrics metrics;
  private final RateLimitedLog log;
  private final List<Consumer<StateEntry>> changeListeners = new CopyOnWriteArrayList<>();
  private Rebalancer rebalancer;
  private Puller puller;
  private TouchBatcher touches;
  private UpstreamLink upstream;

  ReceivePath(ClusterView view, LocalStore store, HybridClock clock, OwnerWatch owners, NodeMetrics metrics,
      RateLimitedLog log) {
    this.view = view;
    this.store = store;
    this.clock = clock;
    this.owners = owners;
    this.metrics = metrics;
    this.log = log;
  }

  /** The parts that take what is not a write; set once, before the node connects. */
  void route(Rebalancer rebalancer, Puller puller, TouchBatcher touches, UpstreamLink upstream) {
    this.rebalancer = rebalancer;
    this.puller = puller;
    this.touches = touches;
    this.upstream = upstream;
  }

  void addChangeListener(Consumer<StateEntry> listener) {
    changeListeners.add(listener);
  }

  @Override
  public void viewAccepted(View v) {
    rebalancer.viewAccepted(v);
    owners.viewAccepted(view.current());
  }

  @Override
  public byte[] writes(Address from, List<ClusterMessages.Incoming> writes) {
    try {
      ClusterMessages.checkLimits(writes, limits);
      applyWrites(writes, from);
      return Transport.ACK;
    } catch (MalformedMessageException ex) {
      return reject(from, ex);
    }
  }

  @Override
  public byte[] frame(Address from, byte[] buf, int off, int len) {
    try {
      Frames.Opened o = Frames.open(buf, off, len);
      switch (o.type()) {
        case ClusterMessages.TYPE_ENTRIES, ClusterMessages.TYPE_DELTA, ClusterMessages.TYPE_BATCH -> {
          applyWrites(ClusterMessages.readWrites(o.type(), o.buf(), o.off(), o.len(), limits), from);
          return Transport.ACK;
        }
        case ClusterMessages.TYPE_TOUCHES -> {
          touches.apply(ClusterMessages.readTouches(o.body()));
          return null;
        }
        case ClusterMessages.TYPE_PULL -> {
          return puller.answer(ClusterMessages.readPull(o.body()));
        }
        case ClusterMessages.TYPE_EXCLUDE -> {
          owners.requested(from, ClusterMessages.readExclude(o.body()));
          return null;
        }
        case ClusterMessages.TYPE_REBALANCE_DONE -> {
          ClusterMessages.readRebalanceDone(o.body());
          rebalancer.doneFrom(from);
          return null;
        }
        default -> throw new MalformedMessageException("unknown message type " + o.type());
      }
    } catch (MalformedMessageException ex) {
      return reject(from, ex);
    }
  }

  /** Counts and warns about a message that applies nothing; the reply is null. */
  byte[] reject(Address from, Exception ex) {
    metrics.rejected.increment();
    log.warn("dropped a message from " + from + ": " + ex.getMessage());
    return null;
  }

  private void applyWrites(List<ClusterMessages.Incoming> writes, Address from) throws MalformedMessageException {
    for (ClusterMessages.Incoming w : writes) {
      if (w instanceof ClusterMessages.Entries entries) {
        applyEntries(entries, from);
      } else {
        applyDelta((ClusterMessages.Delta) w, from);
      }
    }
  }

  private void applyEntries(ClusterMessages.Entries msg, Address from) {
    Membership m = view.current();
    boolean sameView = m != null && m.viewId() == msg.viewId();
    long newest = Long.MIN_VALUE;
    for (EntryCopy c : msg.entries()) {
      newest = Math.max(newest, c.version());
    }
    clock.observe(newest);
    int applied = 0;
    // A key this node does not own by its view is kept if the sender thought it does (a push, or
    // another view), or if this node serves it.
    boolean keepUnowned = msg.purpose() == ClusterMessages.PURPOSE_REBALANCE || !sameView;
    for (EntryCopy c : msg.entries()) {
      switch (store.apply(m, c, store.hashOf(c.key()), keepUnowned, true)) {
        case APPLIED -> {
          applied++;
          changed(c);
          if (upstream != null) {
            upstream.forward(c);
          }
        }
        case STALE -> metrics.copiesStale.increment();
        case MALFORMED -> reject(from, new MalformedMessageException("a copy does not merge with the value held"));
        case NOT_KEPT, NO_BASE -> { }
      }
    }
    metrics.copiesApplied.add(applied);
  }

  private void applyDelta(ClusterMessages.Delta d, Address from) throws MalformedMessageException {
    Membership m = view.current();
    EntryCopy w = d.written();
    long h = store.hashOf(w.key());
    StateEntry held = store.held(m, w.key(), h);
    if (held == null && !view.owns(m, h)) {
      return; // neither ours nor something we serve
    }
    clock.observe(w.version());
    EntryCopy change = new EntryCopy(w.key(), d.delta(), w.version(), w.origin(), w.createdMillis(),
        w.lastAccessMillis(), w.maxIdleMillis());
    switch (store.applyChange(m, change, h)) {
      case APPLIED -> {
        metrics.deltasApplied.increment();
        metrics.copiesApplied.increment();
        changed(store.getAny(w.key()));
        if (held != null && held.version() == d.baseVersion() && held.origin() == d.baseOrigin()) {
          return;
        }
        // Merged into a copy that is not the writer's base: this node may have missed one of the
        // writer's earlier writes, so the writer's whole value is merged in too.
      }
      case STALE -> {
        metrics.copiesStale.increment();
        return;
      }
      case MALFORMED -> throw new MalformedMessageException("a delta does not merge with the value held");
      case NO_BASE, NOT_KEPT -> {
        if (held != null && !Versions.supersedes(change, held)) {
          // Held here and not to be replaced: its incarnation was deleted, or a newer one is held.
          metrics.copiesStale.increment();
          return;
        }
      }
    }
    metrics.deltaFallbacks.increment();
    StateEntry full = puller.pullFrom(w.key(), List.of(from));
    if (full != null && store.keep(m, full, h)) {
      metrics.copiesApplied.increment();
      changed(store.getAny(w.key()));
    }
  }

  /** Tells the change listeners of a copy just applied (the store holds the same key, value and version). */
  private void changed(StateEntry applied) {
    for (Consumer<StateEntry> l : changeListeners) {
      l.accept(applied);
    }
  }
}
