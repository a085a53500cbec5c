package dev.baton.cluster;

import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import dev.baton.wire.ClusterMessages;
import dev.baton.wire.Frames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jgroups.Address;

/**
 * Sends a node's writes in the order they were made, several to one message when they queue up
 * behind a send in progress: one frame, one envelope, one multicast and, for sync writes, one round of
 * acknowledgements for the lot. That per-message work (JGroups headers, retransmission tables,
 * cipher set-up, a datagram, a delivery on every receiver) costs more than the copy of a session,
 * so under load the batch is what keeps replication near the network's own rate.
 *
 * <p>An async write returns at once and a background thread sends it, with whatever else queued
 * meanwhile. A sync write is sent by its caller, together with every write queued before it, so its
 * order against earlier async writes holds and it waits for no thread switch, unless another thread
 * is sending at that moment (that thread looks at the queue again when done and takes it along: the
 * caller never blocks here, which matters when it holds a session's lock) or a message of sync
 * writes is still waiting for its acknowledgements: then it queues, and goes out with every sync
 * write made meanwhile as soon as those acknowledgements are in, sent by the thread that delivered
 * them, or by the background thread if an async write is ahead of it (group commit: under load one
 * round trip carries many writes, and no thread is woken on its way; alone, a write goes at once).
 * Its future completes with the acknowledgements of the message that carried it. An async write is
 * never held back to wait for others: its batch is what accumulated while the previous message was
 * being sent. A batch does not carry writes of a key that a newer whole entry of that key in the
 * same batch replaces.
 *
 * <p>The queue is bounded in bytes ({@link #MAX_QUEUED_BYTES}): past it, an async writer sends what
 * is queued itself, so a writer faster than the network waits for it (JGroups' flow control) instead
 * of growing the heap.
 */
final class WriteSender implements AutoCloseable {

  /** Bytes a frame adds to its batch body at most (batch counts, header), with room to spare for the envelope. */
  private static final int FRAME_OVERHEAD = 256;

  /** Messages of sync writes awaiting acknowledgements at once; later sync writes queue behind them. */
  static final int SYNC_WINDOW = 1;

  /** Queued bytes past which an async writer sends the queue itself rather than leave it to the thread. */
  static final long MAX_QUEUED_BYTES = 8L * 1024 * 1024;

  /** Puts a message of writes on the wire. */
  interface Wire {
    /**
     * Multicasts one frame and returns the acknowledgements of {@code ackFrom}, or null when that is
     * empty.
     *
     * @param onlySync the message carries only sync writes: it needs no flow control (at most
     *     {@link #SYNC_WINDOW} such messages are unacknowledged at once), and it may be sent from the
     *     thread that delivered the previous one's acknowledgements, which must then never block
     *     waiting for credits that only that thread could deliver
     */
    CompletableFuture<Transport.Acks> cast(byte[] frame, Collection<Address> ackFrom, boolean onlySync)
        throws Exception;
  }

  /** A write to send: the entry it wrote (key, the key's hash, and version), its message, and, if sync, its acks. */
  private record Pending(StateEntry written, long keyHash, ClusterMessages.Outgoing part, List<Address> ackFrom,
      CompletableFuture<Transport.Acks> acks) {
    int size() {
      return part.size();
    }
  }

  private final int maxBatchBytes;
  private final Wire wire;
  private final NodeMetrics metrics;
  private final Consumer<Exception> onAsyncFailure;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock sending = new ReentrantLock();
  private final AtomicInteger syncInFlight = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  /** The writes that may go now ({@link #mayGo}), and those of them that are sync. */
  private final Predicate<Pending> sendable = this::mayGo;
  private final Predicate<Pending> sendableSync = p -> mayGo(p) && p.acks() != null;
  private final Thread thread;
  private volatile boolean idle;
  private volatile boolean closed;

  /**
   * @param maxBatchBytes the largest batch body ({@link #maxBatchBytes(int)}); a single write larger
   *     than this goes alone
   * @param onAsyncFailure told when a message carrying only async writes could not be sent (a sync
   *     write learns it from its future)
   */
  WriteSender(String nodeName, int maxBatchBytes, Wire wire, NodeMetrics metrics,
      Consumer<Exception> onAsyncFailure) {
    this.maxBatchBytes = maxBatchBytes;
    this.wire = wire;
    this.metrics = metrics;
    this.onAsyncFailure = onAsyncFailure;
    this.thread = new Thread(this::run, "baton-sender-" + nodeName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The largest batch body for a stack that fragments messages of more than {@code fragSize} bytes:
   * the frame of a full batch is still one fragment, one datagram, and the datagrams are as few as
   * they can be.
   */
  static int maxBatchBytes(int fragSize) {
    return Math.max(1024, fragSize - FRAME_OVERHEAD);
  }

  /**
   * Queues a write whose sender does not wait for acknowledgements; returns at once, unless the
   * queue is past {@link #MAX_QUEUED_BYTES}: then it sends the queue before returning.
   *
   * @param written the entry the write made (its key and version)
   * @param keyHash a hash of its key (equal keys, equal hashes)
   */
  void sendAsync(StateEntry written, long keyHash, ClusterMessages.Outgoing part) {
    enqueue(new Pending(written, keyHash, part, null, null));
    if (queuedBytes.get() > MAX_QUEUED_BYTES) {
      drainHere();
    } else if (idle) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Sends a write, after every write queued before it, and returns the acknowledgements of the
   * message that carries it; they include at least those of {@code ackFrom}. Sent when this returns,
   * or left to the thread sending at that moment, or, if sync writes are awaiting acknowledgements,
   * queued to go out when they are in. Never waits for another thread.
   */
  CompletableFuture<Transport.Acks> sendSync(StateEntry written, long keyHash, ClusterMessages.Outgoing part,
      List<Address> ackFrom) {
    CompletableFuture<Transport.Acks> acks = new CompletableFuture<>();
    enqueue(new Pending(written, keyHash, part, ackFrom, acks));
    drainUnlessBusy(sendable);
    return acks;
  }

  private void enqueue(Pending p) {
    queuedBytes.addAndGet(p.size());
    queue.add(p);
  }

  /** Sends what may go now, on the caller's thread, waiting for a send in progress first. */
  private void drainHere() {
    sending.lock();
    try {
      drain(sendable);
    } finally {
      sending.unlock();
    }
    drainUnlessBusy(sendable);
  }

  /**
   * Sends what may go now on the caller's thread, unless another thread is sending: that thread
   * looks again after releasing the lock, so a write queued meanwhile is not left behind (the
   * queue and the lock are both sequentially consistent: the writer that fails to take the lock
   * queued before the holder looks again).
   */
  private void drainUnlessBusy(Predicate<Pending> goes) {
    while (goes.test(queue.peek()) && sending.tryLock()) {
      try {
        drain(goes);
      } finally {
        sending.unlock();
      }
    }
  }

  /**
   * Told when a message's acknowledgements are in, on the thread that delivered them: sends the sync
   * writes now at the head of the queue from here (no thread to wake on the way of a round trip),
   * unless another thread is sending (it looks again when done); anything else is left to the
   * sender thread.
   */
  private void acknowledged() {
    if (!sending.isHeldByCurrentThread()) { // acks that completed within a send of this thread
      drainUnlessBusy(sendableSync);
    }
    if (canSend()) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (!closed) {
      if (canSend()) {
        drainHere();
        continue;
      }
      idle = true;
      if (!canSend() && !closed) {
        LockSupport.park(this);
      }
      idle = false;
    }
  }

  /** Whether the head of the queue may go out now. */
  private boolean canSend() {
    return mayGo(queue.peek());
  }

  /** A sync write waits while the window is full; an async write never does. */
  private boolean mayGo(Pending p) {
    return p != null && (p.acks() == null || syncInFlight.get() < SYNC_WINDOW);
  }

  /**
   * Sends what is queued, in order, in batches, up to the first write that {@code goes} does not
   * let go (it is asked about null when the queue is empty). Holds {@link #sending}.
   */
  private void drain(Predicate<Pending> goes) {
    List<Pending> batch = new ArrayList<>();
    while (goes.test(queue.peek())) {
      int bytes = 0;
      Pending next;
      while (goes.test(next = queue.peek())
          && (batch.isEmpty() || bytes + next.size() <= maxBatchBytes)
          && batch.size() < ClusterMessages.MAX_COUNT) {
        batch.add(queue.poll()); // the only consumer is the holder of the lock: poll returns next
        queuedBytes.addAndGet(-next.size());
        bytes += next.size() + 6;
      }
      send(batch);
      batch.clear();
    }
  }

  private void send(List<Pending> batch) {
    List<ClusterMessages.Outgoing> parts = batch.size() == 1 ? List.of(batch.get(0).part()) : partsOf(batch);
    byte[] frame;
    if (parts.size() == 1) {
      ClusterMessages.Outgoing only = parts.get(0);
      frame = Frames.frame(only.type(), only.size(), only::writeTo);
    } else {
      frame = Frames.frame(ClusterMessages.TYPE_BATCH, ClusterMessages.batchSize(parts),
          w -> ClusterMessages.writeBatch(w, parts));
    }
    Set<Address> ackFrom = new LinkedHashSet<>();
    List<CompletableFuture<Transport.Acks>> waiting = new ArrayList<>();
    for (Pending p : batch) {
      if (p.acks() != null) {
        ackFrom.addAll(p.ackFrom());
        waiting.add(p.acks());
      }
    }
    boolean anyAsync = waiting.size() < batch.size();
    metrics.writeMessages.increment();
    metrics.bytesSent.add(frame.length);
    try {
      CompletableFuture<Transport.Acks> acks = wire.cast(frame, ackFrom, !anyAsync);
      if (acks != null) {
        syncInFlight.incrementAndGet();
        // Runs on the thread that delivers the acknowledgements (a JGroups receiver thread): the
        // window is freed before the writers learn it, so the next sync writes can go from here.
        // (A writer that queued after this frees the window sends itself: it checks the window
        // after queueing, this checks the queue after freeing it.)
        acks.whenComplete((rsps, ex) -> {
          syncInFlight.decrementAndGet();
          for (CompletableFuture<Transport.Acks> w : waiting) {
            if (ex == null) {
              w.complete(rsps);
            } else {
              w.completeExceptionally(ex);
            }
          }
          acknowledged();
        });
      }
    } catch (Exception ex) {
      waiting.forEach(w -> w.completeExceptionally(ex));
      if (anyAsync) {
        onAsyncFailure.accept(ex);
      }
    }
  }

  /**
   * The parts of a batch, less the writes that a newer whole entry of the same key in the batch
   * makes redundant (receivers would apply them only to overwrite them): a session written by
   * several requests while the previous message was on its way travels once. The acknowledgements
   * of the message still cover every write of the batch. Judged by version, not by queue order:
   * two threads may queue their writes of one key in the other order.
   */
  private static List<ClusterMessages.Outgoing> partsOf(List<Pending> batch) {
    int n = batch.size();
    // Open addressing by key hash and key: 1 + the batch index of the key's newest whole entry, 0
    // for a free slot. At most half full, so a probe ends.
    int mask = (Integer.highestOneBit(2 * n - 1) << 1) - 1;
    int[] newestWhole = new int[mask + 1];
    for (int j = 0; j < n; j++) {
      Pending p = batch.get(j);
      if (p.part().type() == ClusterMessages.TYPE_ENTRIES) {
        int i = slotOf(newestWhole, mask, batch, p);
        if (newestWhole[i] == 0 || Versions.isNewer(p.written(), batch.get(newestWhole[i] - 1).written())) {
          newestWhole[i] = j + 1;
        }
      }
    }
    List<ClusterMessages.Outgoing> parts = new ArrayList<>(n);
    for (Pending p : batch) {
      int whole = newestWhole[slotOf(newestWhole, mask, batch, p)];
      if (whole == 0 || !Versions.isNewer(batch.get(whole - 1).written(), p.written())) {
        parts.add(p.part());
      }
    }
    return parts;
  }

  /** The slot of {@code p}'s key in {@code newestWhole}: the slot holding an entry of that key, or a free one. */
  private static int slotOf(int[] newestWhole, int mask, List<Pending> batch, Pending p) {
    for (int i = (int) p.keyHash() & mask; ; i = (i + 1) & mask) {
      if (newestWhole[i] == 0) {
        return i;
      }
      Pending held = batch.get(newestWhole[i] - 1);
      if (held.keyHash() == p.keyHash() && Arrays.equals(held.written().key(), p.written().key())) {
        return i;
      }
    }
  }

  /** Sends what is queued and stops the background thread. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sending.lock();
    try {
      drain(Objects::nonNull);
    } finally {
      sending.unlock();
    }
  }
}
