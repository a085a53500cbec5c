package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.hash.BuzHash;
import dev.baton.state.EntryCopy;
import dev.baton.state.StateEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads against one table, checked against models. Every loop is bounded by a count. */
class StateTableConcurrencyTest {

  private static final BuzHash HASH = BuzHash.withSeed("concurrency");
  private static final int THREADS = 8;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Runs the tasks together (released by one latch) and rethrows the first failure. */
  private <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(pool.submit(() -> {
        start.await();
        return task.call();
      }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(120, TimeUnit.SECONDS));
    }
    return results;
  }

  @Test
  void eachThreadSeesExactlyItsOwnWritesWhileOthersResizeTheSameSegments() throws Exception {
    // Two small segments: every thread's writes force resizes that the others' reads run through.
    StateTable t = StateTable.builder(HASH).segments(2).initialCapacity(0).build();
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int th = 0; th < THREADS; th++) {
      int id = th;
      tasks.add(() -> {
        Random rnd = new Random(id);
        Map<String, String> model = new HashMap<>();
        int checks = 0;
        for (int op = 0; op < 60_000; op++) {
          String k = "t" + id + "-" + rnd.nextInt(3000);
          switch (rnd.nextInt(10)) {
            case 0 -> {
              t.remove(b(k));
              model.remove(k);
            }
            case 1, 2, 3 -> {
              String v = k + "@" + op;
              t.put(b(k), b(v), 0);
              model.put(k, v);
            }
            case 4 -> {
              String v = k + "#" + op;
              t.compute(b(k), 0, cur -> b(v));
              model.put(k, v);
            }
            default -> {
              byte[] got = t.get(b(k));
              String expected = model.get(k);
              if (expected == null ? got != null : !Arrays.equals(got, b(expected))) {
                throw new AssertionError("thread " + id + " read " + (got == null ? null : new String(got))
                    + " for " + k + ", expected " + expected);
              }
              checks++;
            }
          }
        }
        for (Map.Entry<String, String> e : model.entrySet()) {
          assertThat(t.get(b(e.getKey()))).isEqualTo(b(e.getValue()));
        }
        return checks;
      });
    }
    List<Integer> checks = runTogether(tasks);
    assertThat(checks).allMatch(c -> c > 10_000);
  }

  @Test
  void computeIsAtomicAndReadsNeverGoBackwards() throws Exception {
    StateTable t = StateTable.builder(HASH).segments(4).build();
    int keys = 16;
    int incrementsPerThread = 20_000;
    int writers = THREADS / 2;
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Callable<Long>> tasks = new ArrayList<>();
    CountDownLatch writersDone = new CountDownLatch(writers);
    for (int w = 0; w < writers; w++) {
      int id = w;
      tasks.add(() -> {
        Random rnd = new Random(id);
        for (int i = 0; i < incrementsPerThread; i++) {
          t.compute(b("counter-" + rnd.nextInt(keys)), 0,
              cur -> longBytes(cur == null ? 1 : ByteBuffer.wrap(cur).getLong() + 1));
        }
        writersDone.countDown();
        return 0L;
      });
    }
    for (int r = 0; r < THREADS - writers; r++) {
      int id = r;
      tasks.add(() -> {
        long[] lastSeen = new long[keys];
        long reads = 0;
        Random rnd = new Random(100 + id);
        // Bounded: stops when the writers are done, or after a fixed number of reads.
        while ((writing.get() || reads < 1000) && reads < 5_000_000) {
          int k = rnd.nextInt(keys);
          byte[] v = t.get(b("counter-" + k));
          long seen = v == null ? 0 : ByteBuffer.wrap(v).getLong();
          if (seen < lastSeen[k]) {
            throw new AssertionError("counter-" + k + " went back from " + lastSeen[k] + " to " + seen);
          }
          lastSeen[k] = seen;
          reads++;
          if (writersDone.getCount() == 0) {
            writing.set(false);
          }
        }
        return reads;
      });
    }
    runTogether(tasks);
    long total = 0;
    for (int k = 0; k < keys; k++) {
      byte[] v = t.get(b("counter-" + k));
      total += v == null ? 0 : ByteBuffer.wrap(v).getLong();
    }
    assertThat(total).isEqualTo((long) writers * incrementsPerThread);
  }

  @Test
  void copiesAppliedInAnyOrderByManyThreadsConvergeToTheWinningWrite() throws Exception {
    // 2000 keys, each written 6 times on 3 nodes; deliveries shuffled, duplicated and split over threads.
    List<StateEntry> copies = new ArrayList<>();
    Map<String, StateEntry> newest = new HashMap<>();
    Random rnd = new Random(42);
    for (int k = 0; k < 2000; k++) {
      for (int w = 0; w < 6; w++) {
        long version = 1_000_000L + rnd.nextInt(50);
        int origin = 1 + rnd.nextInt(3);
        // One write is one (version, origin): the value follows from it, a delete now and then.
        byte[] value = (version + origin) % 6 == 0 ? null : b("k" + k + "v" + version + "o" + origin);
        StateEntry c = new EntryCopy(b("k" + k), value, version, origin, 1, 1, 0);
        copies.add(c);
        // The winner: the newest delete if there is one (a delete wins over its incarnation), else the newest write.
        newest.merge("k" + k, c, (a, bb) -> dev.baton.state.Versions.supersedes(bb, a) ? bb : a);
      }
    }
    for (int round = 0; round < 3; round++) {
      StateTable t = StateTable.builder(HASH).segments(8).build();
      List<StateEntry> deliveries = new ArrayList<>(copies);
      deliveries.addAll(copies.subList(0, copies.size() / 3)); // replays
      Collections.shuffle(deliveries, new Random(round));
      List<Callable<Void>> tasks = new ArrayList<>();
      int slice = (deliveries.size() + THREADS - 1) / THREADS;
      for (int th = 0; th < THREADS; th++) {
        List<StateEntry> mine = deliveries.subList(Math.min(deliveries.size(), th * slice),
            Math.min(deliveries.size(), (th + 1) * slice));
        tasks.add(() -> {
          mine.forEach(t::putIfNewer);
          return null;
        });
      }
      runTogether(tasks);
      for (Map.Entry<String, StateEntry> e : newest.entrySet()) {
        StateEntry held = t.getAnyEntry(b(e.getKey()));
        assertThat(held.version()).isEqualTo(e.getValue().version());
        assertThat(held.origin()).isEqualTo(e.getValue().origin());
        assertThat(held.value()).isEqualTo(e.getValue().value());
      }
    }
  }

  @Test
  void boundedTableStaysWithinItsBoundAndNeverReturnsAnotherKeysValue() throws Exception {
    long bound = 256 * 1024;
    AtomicLong evictions = new AtomicLong();
    StateTable t = StateTable.builder(HASH).segments(8).maxBytes(bound)
        .removalListener((e, cause) -> evictions.incrementAndGet()).build();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int th = 0; th < THREADS; th++) {
      int id = th;
      tasks.add(() -> {
        Random rnd = new Random(id);
        for (int op = 0; op < 50_000; op++) {
          String k = "key-" + rnd.nextInt(20_000);
          if (rnd.nextInt(4) == 0) {
            t.put(b(k), b(k + "|" + "x".repeat(rnd.nextInt(200))), 0);
          } else {
            byte[] v = t.get(b(k));
            if (v != null && !new String(v, StandardCharsets.UTF_8).startsWith(k + "|")) {
              throw new AssertionError("read another key's value for " + k);
            }
          }
        }
        return null;
      });
    }
    runTogether(tasks);
    assertThat(t.bytes()).isLessThanOrEqualTo(bound);
    assertThat(evictions.get()).isPositive();
    long[] counted = new long[2];
    t.forEach(HashRange.ALL, e -> {
      counted[0]++;
      counted[1] += ((Node) e).weight();
    });
    assertThat(counted[0]).isEqualTo(t.size());
    assertThat(counted[1]).as("the byte count matches what is held").isEqualTo(t.bytes());
  }

  @Test
  void expiryAndSweepsUnderContentionLoseNoLiveEntry() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    StateTable t = StateTable.builder(HASH).segments(4).clock(now::get)
        .tombstoneTtl(Duration.ofMillis(50)).build();
    int keys = 2000;
    List<Callable<Void>> tasks = new ArrayList<>();
    // Half the keys are touched on every pass and must stay live; the rest are left to expire.
    for (int k = 0; k < keys; k++) {
      t.put(b("k" + k), b("v" + k), 100);
    }
    int passes = 200;
    CountDownLatch passDone = new CountDownLatch(1);
    tasks.add(() -> {
      for (int p = 0; p < passes; p++) {
        for (int k = 0; k < keys; k += 2) {
          if (!t.touch(b("k" + k))) {
            throw new AssertionError("k" + k + " expired although touched every pass");
          }
        }
        now.addAndGet(10); // time moves only after a full pass of touches
      }
      passDone.countDown();
      return null;
    });
    for (int s = 0; s < 2; s++) {
      tasks.add(() -> {
        while (passDone.getCount() > 0) {
          t.sweep();
        }
        return null;
      });
    }
    for (int r = 0; r < 3; r++) {
      tasks.add(() -> {
        Random rnd = new Random();
        for (int i = 0; i < 200_000 && passDone.getCount() > 0; i++) {
          int k = rnd.nextInt(keys);
          byte[] v = t.get(b("k" + k));
          if (v != null && !Arrays.equals(v, b("v" + k))) {
            throw new AssertionError("wrong value for k" + k);
          }
        }
        return null;
      });
    }
    runTogether(tasks);
    t.sweep();
    for (int k = 0; k < keys; k++) {
      assertThat(t.get(b("k" + k)) != null).as("k" + k).isEqualTo(k % 2 == 0);
    }
  }

  /**
   * A lookup of an absent key ends at a free slot, so every generation of a segment's slot arrays,
   * even one a reader still holds while the writer rebuilds, must keep one: a generation filled
   * before it was replaced would make a reader holding it probe for ever. Many small tables grow
   * here from their first arrays while readers look up a key nobody writes.
   */
  @Test
  void lookupsOfAnAbsentKeyEndWhileTablesGrow() throws Exception {
    byte[] absent = b("never written");
    AtomicReference<StateTable> current = new AtomicReference<>(oneSegment());
    AtomicBoolean done = new AtomicBoolean();
    Callable<Long> writer = () -> {
      for (int t = 0; t < 20_000; t++) {
        StateTable table = oneSegment();
        current.set(table);
        for (int i = 0; i < 16; i++) {
          table.put(b("key " + i), b("v"), 0);
        }
      }
      done.set(true);
      return 0L;
    };
    Callable<Long> reader = () -> {
      long lookups = 0;
      while (!done.get()) {
        assertThat(current.get().getAnyEntry(absent)).isNull();
        lookups++;
      }
      return lookups;
    };
    List<Long> results = runTogether(List.of(writer, reader, reader));
    assertThat(results.get(1) + results.get(2)).isPositive();
  }

  private static StateTable oneSegment() {
    return StateTable.builder(HASH).segments(1).initialCapacity(1).build();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
