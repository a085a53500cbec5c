package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.wire.ClusterMessages;
import dev.baton.wire.Frames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order, grouping and acknowledgement of writes; the wire is a recording transport. */
class WriteSenderTest {

  private static final int MAX_BATCH_BYTES = WriteSender.maxBatchBytes(60_000);

  private final NodeMetrics metrics = new NodeMetrics(() -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0);
  private final List<Exception> asyncFailures = new CopyOnWriteArrayList<>();
  private final Recorder wire = new Recorder();
  private WriteSender sender;

  /** Records each cast; the first one can be held until released, as a slow send would be. */
  private static final class Recorder implements WriteSender.Wire {
    final List<byte[]> frames = new CopyOnWriteArrayList<>();
    final List<Set<Address>> ackFrom = new CopyOnWriteArrayList<>();
    final List<Boolean> onlySync = new CopyOnWriteArrayList<>();
    final List<Thread> castBy = new CopyOnWriteArrayList<>();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    volatile CountDownLatch holdFirst = new CountDownLatch(0);
    final Transport.Acks acks = new Transport.Acks() {
      @Override
      public boolean received(Address member) {
        return true;
      }

      @Override
      public boolean suspected(Address member) {
        return false;
      }
    };
    /** When set, sync casts return these futures in turn instead of completed acknowledgements. */
    final java.util.concurrent.BlockingQueue<CompletableFuture<Transport.Acks>> pendingAcks =
        new java.util.concurrent.LinkedBlockingQueue<>();
    volatile boolean holdAcks;
    volatile Exception failWith;

    @Override
    public CompletableFuture<Transport.Acks> cast(byte[] frame, Collection<Address> from, boolean onlySync)
        throws Exception {
      firstStarted.countDown();
      holdFirst.await(10, TimeUnit.SECONDS);
      if (failWith != null) {
        throw failWith;
      }
      ackFrom.add(Set.copyOf(from));
      this.onlySync.add(onlySync);
      castBy.add(Thread.currentThread());
      frames.add(frame);
      if (from.isEmpty()) {
        return null;
      }
      if (holdAcks) {
        CompletableFuture<Transport.Acks> f = new CompletableFuture<>();
        pendingAcks.add(f);
        return f;
      }
      return CompletableFuture.completedFuture(acks);
    }
  }

  @AfterEach
  void close() {
    if (sender != null) {
      sender.close();
    }
  }

  private WriteSender sender() {
    sender = new WriteSender("t", MAX_BATCH_BYTES, wire, metrics, asyncFailures::add);
    return sender;
  }

  /** A sender whose first message, the async write "a", is on the wire and held there. */
  private WriteSender busySendingA() throws InterruptedException {
    wire.holdFirst = new CountDownLatch(1);
    WriteSender s = sender();
    s.sendAsync(write("a"), hash("a"), part(ClusterMessages.TYPE_ENTRIES, "a"));
    assertThat(wire.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    return s;
  }

  private final java.util.concurrent.atomic.AtomicLong versions = new java.util.concurrent.atomic.AtomicLong();

  /** The entry a write of key {@code key} made, under the next version. */
  private dev.baton.state.StateEntry write(String key) {
    return write(key, versions.incrementAndGet());
  }

  private static dev.baton.state.StateEntry write(String key, long version) {
    return new dev.baton.state.EntryCopy(body(key), null, version, 1, 0, 0, 0);
  }

  /** The key hash the sender is told: equal keys, equal hashes, and distinct keys may collide. */
  private static long hash(String key) {
    return key.length();
  }

  /** A write's message: {@code text} as the body, so {@link #writesIn} can tell it. */
  private static ClusterMessages.Part part(int type, String text) {
    return new ClusterMessages.Part(type, body(text));
  }

  private static byte[] body(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The writes a frame carries, as their bodies' text, in order. */
  private List<String> writesIn(byte[] frame) throws Exception {
    Frames.Opened o = Frames.open(frame, 0, frame.length);
    List<String> out = new ArrayList<>();
    if (o.type() == ClusterMessages.TYPE_BATCH) {
      for (ClusterMessages.Part p : ClusterMessages.readBatch(o.buf(), o.off(), o.len())) {
        out.add(new String(p.buf(), p.off(), p.len(), StandardCharsets.UTF_8));
      }
    } else {
      out.add(new String(o.body(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void anAsyncWriteIsSentWithoutWaitingForAnother() throws Exception {
    sender().sendAsync(write("a"), hash("a"), part(ClusterMessages.TYPE_ENTRIES, "a"));
    await().atMost(Duration.ofSeconds(10)).until(() -> wire.frames.size() == 1);
    assertThat(writesIn(wire.frames.get(0))).containsExactly("a");
    assertThat(wire.ackFrom.get(0)).isEmpty();
  }

  @Test
  void writesQueuedBehindASendGoOutTogetherInTheirOrder() throws Exception {
    WriteSender s = busySendingA();
    s.sendAsync(write("b"), hash("b"), part(ClusterMessages.TYPE_ENTRIES, "b"));
    s.sendAsync(write("c"), hash("c"), part(ClusterMessages.TYPE_DELTA, "c"));
    s.sendAsync(write("d"), hash("d"), part(ClusterMessages.TYPE_ENTRIES, "d"));
    wire.holdFirst.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> wire.frames.size() == 2);
    assertThat(writesIn(wire.frames.get(0))).containsExactly("a");
    assertThat(writesIn(wire.frames.get(1))).containsExactly("b", "c", "d");
    assertThat(metrics.getWriteMessages()).isEqualTo(2);
  }

  @Test
  void aSyncWriteTravelsAfterTheWritesQueuedBeforeItAndGetsItsMessagesAcks() throws Exception {
    WriteSender s = busySendingA();
    Address owner = UUID.randomUUID();
    s.sendAsync(write("b"), hash("b"), part(ClusterMessages.TYPE_ENTRIES, "b"));
    CompletableFuture<Transport.Acks> acks = s.sendSync(write("c"), hash("c"), part(ClusterMessages.TYPE_ENTRIES, "c"),
        List.of(owner));
    assertThat(acks).as("returned without waiting for the send in progress").isNotDone();

    wire.holdFirst.countDown();
    assertThat((Object) acks.get(10, TimeUnit.SECONDS)).as("taken along by the thread that was sending")
        .isSameAs(wire.acks);
    assertThat(wire.frames).hasSize(2);
    assertThat(writesIn(wire.frames.get(1))).containsExactly("b", "c");
    assertThat(wire.ackFrom.get(1)).containsExactly(owner);
  }

  @Test
  void aSyncWriteWithNobodySendingIsSentByTheTimeItReturns() throws Exception {
    Address owner = UUID.randomUUID();
    CompletableFuture<Transport.Acks> acks = sender().sendSync(write("a"), hash("a"),
        part(ClusterMessages.TYPE_ENTRIES, "a"), List.of(owner));
    assertThat(acks).isCompleted();
    assertThat(wire.frames).hasSize(1);
  }

  @Test
  void syncWritesMadeWhileOneAwaitsItsAcksGoOutTogetherWhenTheyAreIn() throws Exception {
    wire.holdAcks = true;
    WriteSender s = sender();
    Address owner = UUID.randomUUID();
    CompletableFuture<Transport.Acks> first = s.sendSync(write("a"), hash("a"), part(ClusterMessages.TYPE_ENTRIES, "a"), List.of(owner));
    assertThat(wire.frames).hasSize(1);
    CompletableFuture<Transport.Acks> second = s.sendSync(write("b"), hash("b"), part(ClusterMessages.TYPE_ENTRIES, "b"), List.of(owner));
    CompletableFuture<Transport.Acks> third = s.sendSync(write("c"), hash("c"), part(ClusterMessages.TYPE_DELTA, "c"), List.of(owner));
    assertThat(wire.frames).as("held while the first awaits its acknowledgements").hasSize(1);
    assertThat(second).isNotDone();

    wire.pendingAcks.take().complete(wire.acks);
    assertThat(first).isCompleted();
    assertThat(wire.frames).as("sent by the thread that delivered the acknowledgements").hasSize(2);
    assertThat(wire.castBy.get(1)).isSameAs(Thread.currentThread());
    assertThat(writesIn(wire.frames.get(1))).containsExactly("b", "c");
    assertThat(wire.onlySync).containsExactly(true, true);
    wire.pendingAcks.take().complete(wire.acks);
    assertThat(second).isCompleted();
    assertThat(third).isCompleted();
  }

  @Test
  void theThreadThatDeliversAcksSendsOnlySyncWritesAndLeavesAsyncOnesToTheSenderThread() throws Exception {
    wire.holdAcks = true;
    WriteSender s = sender();
    Address owner = UUID.randomUUID();
    s.sendSync(write("a"), hash("a"), part(ClusterMessages.TYPE_ENTRIES, "a"), List.of(owner));
    s.sendSync(write("b"), hash("b"), part(ClusterMessages.TYPE_ENTRIES, "b"), List.of(owner));
    s.sendAsync(write("c"), hash("c"), part(ClusterMessages.TYPE_ENTRIES, "c"));
    assertThat(wire.frames).as("b and c wait behind a's acknowledgements").hasSize(1);

    wire.pendingAcks.take().complete(wire.acks);
    await().atMost(Duration.ofSeconds(10)).until(() -> wire.frames.size() == 3);
    assertThat(writesIn(wire.frames.get(1))).containsExactly("b");
    assertThat(writesIn(wire.frames.get(2))).containsExactly("c");
    assertThat(wire.castBy.get(1)).isSameAs(Thread.currentThread());
    assertThat(wire.castBy.get(2)).as("an async write may need flow control: not on a receiver thread")
        .isNotSameAs(Thread.currentThread());
    assertThat(wire.onlySync).containsExactly(true, true, false);
  }

  @Test
  void aNewerWholeEntryLeavesTheBatchsOlderWritesOfItsKeyOut() throws Exception {
    WriteSender s = busySendingA();
    s.sendAsync(write("cart", 10), hash("cart"), part(ClusterMessages.TYPE_ENTRIES, "cart v10"));
    s.sendAsync(write("cart", 11), hash("cart"), part(ClusterMessages.TYPE_DELTA, "cart v11, a delta"));
    s.sendAsync(write("other", 12), hash("other"), part(ClusterMessages.TYPE_ENTRIES, "other v12"));
    s.sendAsync(write("cart", 13), hash("cart"), part(ClusterMessages.TYPE_ENTRIES, "cart v13"));
    s.sendAsync(write("cart", 14), hash("cart"), part(ClusterMessages.TYPE_DELTA, "cart v14, a delta on v13"));
    // Queued last but older (another thread's write): receivers would ignore it anyway.
    s.sendAsync(write("cart", 9), hash("cart"), part(ClusterMessages.TYPE_ENTRIES, "cart v9"));
    // Another key with the same hash, newer than every write of "cart": it replaces none of them.
    s.sendAsync(write("cars", 15), hash("cars"), part(ClusterMessages.TYPE_ENTRIES, "cars v15"));
    wire.holdFirst.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> wire.frames.size() == 2);
    assertThat(writesIn(wire.frames.get(1)))
        .containsExactly("other v12", "cart v13", "cart v14, a delta on v13", "cars v15");
  }

  @Test
  void aBatchStaysWithinItsBoundAndNothingIsLost() throws Exception {
    WriteSender s = busySendingA();
    String tenKb = "x".repeat(10_000);
    for (int i = 0; i < 20; i++) {
      s.sendAsync(write(i + tenKb), hash(i + tenKb), part(ClusterMessages.TYPE_ENTRIES, i + tenKb));
    }
    wire.holdFirst.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      int n = 0;
      for (byte[] f : wire.frames) {
        n += writesIn(f).size();
      }
      return n == 21;
    });
    List<String> order = new ArrayList<>();
    for (byte[] f : wire.frames) {
      assertThat(f.length).isLessThan(MAX_BATCH_BYTES + 1000);
      order.addAll(writesIn(f));
    }
    assertThat(wire.frames.size()).isGreaterThan(2);
    for (int i = 0; i < 20; i++) {
      assertThat(order.get(i + 1)).startsWith(i + "x");
    }
  }

  @Test
  void anAsyncWriterFasterThanTheWireWaitsForItPastTheQueuesBound() throws Exception {
    WriteSender s = busySendingA();
    String mb = "x".repeat(1024 * 1024);
    int writes = (int) (WriteSender.MAX_QUEUED_BYTES / mb.length()) + 2;
    Thread writer = new Thread(() -> {
      for (int i = 0; i < writes; i++) {
        s.sendAsync(write(i + mb), hash(i + mb), part(ClusterMessages.TYPE_ENTRIES, i + mb));
      }
    });
    writer.start();
    // Held while the wire is busy and the queue is past its bound.
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.WAITING);

    wire.holdFirst.countDown();
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> wire.frames.size() == writes + 1);
    for (int i = 0; i < writes; i++) {
      assertThat(writesIn(wire.frames.get(i + 1)).get(0)).startsWith(i + "x");
    }
  }

  @Test
  void aFailedSendFailsTheSyncWritesItCarriedAndReportsTheAsyncOnes() {
    wire.failWith = new IllegalStateException("channel closed");
    WriteSender s = sender();
    CompletableFuture<Transport.Acks> acks = s.sendSync(write("c"), hash("c"), part(ClusterMessages.TYPE_ENTRIES, "c"), List.of(UUID.randomUUID()));
    assertThatThrownBy(acks::get).isInstanceOf(ExecutionException.class).hasMessageContaining("channel closed");
    s.sendAsync(write("a"), hash("a"), part(ClusterMessages.TYPE_ENTRIES, "a"));
    await().atMost(Duration.ofSeconds(10)).until(() -> asyncFailures.size() == 1);
  }

  @Test
  void closeSendsWhatIsQueued() throws Exception {
    WriteSender s = busySendingA();
    s.sendAsync(write("b"), hash("b"), part(ClusterMessages.TYPE_ENTRIES, "b"));
    wire.holdFirst.countDown();
    s.close();
    sender = null;
    List<String> all = new ArrayList<>();
    for (byte[] f : wire.frames) {
      all.addAll(writesIn(f));
    }
    assertThat(all).containsExactly("a", "b");
  }
}
