package dev.baton.cluster;

import dev.baton.state.EntryCopy;
import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import dev.baton.wire.ClusterMessages;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.Frames;
import dev.baton.wire.MalformedMessageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;

/**
 * Pull on miss: a node asked for an entry it does not hold asks the members that should hold it
 * (its owners; else every member), keeps the newest answer and caches it; a tiered repository asks
 * the repository above it too. Also answers other nodes' pulls. What made-up ids may cost is
 * bounded by {@link MissedKeys}.
 */
final class Puller {

  private final ClusterSettings settings;
  private final ClusterView view;
  private final LocalStore store;
  private final Transport transport;
  private final NodeMetrics metrics;
  private final RateLimitedLog log;
  private final CodecLimits limits = CodecLimits.DEFAULT;
  private final MissedKeys missed = new MissedKeys(System::nanoTime);
  private ReceivePath receiver;
  private UpstreamLink upstream;

  Puller(ClusterSettings settings, ClusterView view, LocalStore store, Transport transport, NodeMetrics metrics,
      RateLimitedLog log) {
    this.settings = settings;
    this.view = view;
    this.store = store;
    this.transport = transport;
    this.metrics = metrics;
    this.log = log;
  }

  /** Where rejected answers are counted, and the higher repository; set once, before the node connects. */
  void route(ReceivePath receiver, UpstreamLink upstream) {
    this.receiver = receiver;
    this.upstream = upstream;
  }

  /** {@link ClusterNode#getOrPull}. */
  StateEntry getOrPull(byte[] key) {
    StateEntry e = store.get(key);
    if (e != null) {
      metrics.hits.increment();
      return e;
    }
    metrics.misses.increment();
    if (store.getAny(key) != null) {
      return null; // known to be deleted or expired
    }
    long h = store.hashOf(key);
    if (missed.recentlyMissed(h)) {
      metrics.pullsAvoided.increment();
      return null;
    }
    StateEntry pulled = pull(key, h);
    if (pulled == null && upstream != null) {
      pulled = upstream.getOrPull(key);
    }
    if (pulled == null) {
      metrics.pullMisses.increment();
      missed.missed(h);
      return null;
    }
    metrics.pullHits.increment();
    store.keep(view.current(), pulled, h);
    return store.get(key);
  }

  private StateEntry pull(byte[] key, long h) {
    Membership m = view.current();
    if (ClusterView.alone(m)) {
      return null;
    }
    List<Address> candidates = view.otherOwners(m, h);
    if (candidates.isEmpty()) {
      candidates = new ArrayList<>(m.members());
      candidates.remove(view.self());
    }
    if (candidates.size() > 1 && missed.overBudget()) {
      // Someone is sending ids nobody holds: one member per id (the same one for the same id).
      metrics.pullsNarrowed.increment();
      candidates = List.of(candidates.get((int) Math.floorMod(h, (long) candidates.size())));
    }
    StateEntry newest = pullFrom(key, candidates);
    if (newest != null && newest.isTombstone()) {
      store.keep(m, newest, h);
      return null;
    }
    return newest;
  }

  /** The newest copy (possibly a tombstone) the candidates answer within the pull timeout, or null. */
  StateEntry pullFrom(byte[] key, List<Address> candidates) {
    metrics.pulls.increment();
    Map<Address, byte[]> replies;
    try {
      replies = transport.ask(candidates, Frames.frame(ClusterMessages.TYPE_PULL, ClusterMessages.pull(key)),
          settings.pullTimeout().toMillis());
    } catch (Exception ex) {
      log.warn("pull failed: " + ex);
      return null;
    }
    StateEntry newest = null;
    for (Map.Entry<Address, byte[]> r : replies.entrySet()) {
      byte[] reply = r.getValue();
      try {
        Frames.Opened o = Frames.open(reply, 0, reply.length);
        for (EntryCopy c : ClusterMessages.readEntries(o.buf(), o.off(), o.len(), limits).entries()) {
          if (Arrays.equals(c.key(), key) && (newest == null || Versions.isNewer(c, newest))) {
            newest = c;
          }
        }
      } catch (MalformedMessageException ex) {
        receiver.reject(r.getKey(), ex);
      }
    }
    return newest;
  }

  /** The frame that answers another node's pull of {@code key}: what this node holds, or null. */
  byte[] answer(byte[] key) {
    metrics.pullsAnswered.increment();
    StateEntry e = store.getAny(key);
    if (e == null && upstream != null) {
      // A repository answers from the higher repository what it does not hold itself.
      e = upstream.getOrPull(key);
    }
    if (e == null) {
      return null;
    }
    Membership m = view.current();
    return Frames.frame(ClusterMessages.TYPE_ENTRIES, ClusterMessages.entries(
        ClusterMessages.PURPOSE_PULL_REPLY, m == null ? 0 : m.viewId(), List.of(e)));
  }
}
