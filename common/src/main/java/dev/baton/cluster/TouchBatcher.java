package dev.baton.cluster;

import dev.baton.wire.ClusterMessages;
import dev.baton.wire.Frames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access times: a read that only refreshes an entry's last access is not a versioned write. This
 * node's accesses are collected and multicast every {@code touchInterval}, the latest per key, so
 * an entry in use on one node does not expire on another; accesses other nodes report move the
 * local copy's last access forward (never back).
 */
final class TouchBatcher {

  private static final int MAX_PER_MESSAGE = 10_000;

  private final ClusterView view;
  private final LocalStore store;
  private final Transport transport;
  private final NodeMetrics metrics;
  private final RateLimitedLog log;
  private final ConcurrentHashMap<ByteBuffer, Long> pending = new ConcurrentHashMap<>();

  TouchBatcher(ClusterView view, LocalStore store, Transport transport, NodeMetrics metrics, RateLimitedLog log) {
    this.view = view;
    this.store = store;
    this.transport = transport;
    this.metrics = metrics;
    this.log = log;
  }

  /** {@link ClusterNode#touch}. */
  boolean touch(byte[] key) {
    long now = System.currentTimeMillis();
    boolean touched = store.touchLocal(key, now);
    if (touched) {
      pending.put(ByteBuffer.wrap(key), now);
    }
    return touched;
  }

  /** Accesses another node reported. */
  void apply(List<ClusterMessages.Touch> touches) {
    for (ClusterMessages.Touch t : touches) {
      store.touch(t.key(), t.atMillis());
    }
  }

  /** Sends the accesses collected since the last flush. */
  void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<ClusterMessages.Touch> batch = new ArrayList<>();
    for (ByteBuffer k : pending.keySet()) {
      Long at = pending.remove(k);
      if (at != null) {
        batch.add(new ClusterMessages.Touch(k.array(), at));
      }
      if (batch.size() == MAX_PER_MESSAGE) {
        send(batch);
        batch = new ArrayList<>();
      }
    }
    send(batch);
  }

  private void send(List<ClusterMessages.Touch> batch) {
    if (batch.isEmpty() || ClusterView.alone(view.current())) {
      return;
    }
    try {
      byte[] frame = Frames.frame(ClusterMessages.TYPE_TOUCHES, ClusterMessages.touches(batch));
      metrics.bytesSent.add(frame.length);
      transport.multicast(frame);
    } catch (Exception ex) {
      log.warn("could not send access times: " + ex);
    }
  }
}
