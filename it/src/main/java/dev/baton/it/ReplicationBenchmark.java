package dev.baton.it;

import dev.baton.cluster.ChannelFactory;
import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.WriteMode;
import dev.baton.hash.RendezvousOwners;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.stack.ProtocolStack;

/**
 * Replication figures for docs/performance.md: three nodes in this JVM on loopback (they share the machine's
 * cores with the writer). For each configuration and payload size it reports writes/s (async: one
 * writer; sync: eight), MB/s, writes per message, put-to-visible latency on the other nodes (async)
 * or put latency from one writer (sync: the put returns when the owners applied it), each next to
 * raw JGroups multicast of the same payload on the same stack with JGroups' bundler (median of three
 * runs just before; encrypted cases also next to raw multicast with JGroups' SYM_ENCRYPT), and the
 * CPU the whole process spent per write (Baton) and per message (raw) while measured. Every
 * case, raw or Baton, is warmed up with rounds of the writes it measures until the JIT has settled
 * ({@link WarmUp}); writes cycle over 20,000 keys. Bounded: a fixed number of writes per round, at
 * most {@link WarmUp#MAX_ROUNDS} warm-up rounds, each wait capped.
 *
 * <p>Arguments: a scale for the number of writes (default 1), a filter on the case's label and
 * payload, e.g. {@code "replicated, async, encrypted, 1024"}, and {@code baton-only} to skip the
 * raw runs (for comparing builds of Baton, alternated). Run as docs/performance.md says.
 */
public final class ReplicationBenchmark {

  private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);
  private static final AtomicInteger PORT = new AtomicInteger(47000 + (int) (ProcessHandle.current().pid() % 500) * 4);

  /** Distinct keys written; more writes overwrite them, so the tables hold at most this many entries. */
  private static final int KEYS = 20_000;

  private ReplicationBenchmark() {}

  record Case(String topology, WriteMode mode, boolean encrypted) {
    String label() {
      return topology + ", " + mode.name().toLowerCase(Locale.ROOT) + ", " + (encrypted ? "encrypted" : "plaintext");
    }
  }

  public static void main(String[] args) throws Exception {
    int scale = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    String only = args.length > 1 ? args[1] : "";
    boolean withRaw = args.length < 3 || !args[2].equals("baton-only");
    List<Case> cases = List.of(
        new Case("replicated", WriteMode.ASYNC, true),
        new Case("replicated", WriteMode.SYNC, true),
        new Case("partitioned", WriteMode.ASYNC, true),
        new Case("partitioned", WriteMode.SYNC, true),
        new Case("replicated", WriteMode.ASYNC, false),
        new Case("replicated", WriteMode.SYNC, false));
    System.out.println("| configuration | payload | Baton writes/s | Baton MB/s | writes per message "
        + "| raw JGroups msgs/s (same stack, JGroups' bundler) | Baton / raw "
        + "| raw JGroups + SYM_ENCRYPT msgs/s | Baton / raw + SYM_ENCRYPT | latency p50 | latency p99 "
        + "| Baton CPU per write | raw CPU per msg |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int size : new int[] {1024, 8192}) {
      int writes = (size == 1024 ? 20_000 : 8_000) * scale;
      for (Case c : cases) {
        if (!(c.label() + ", " + size).contains(only)) {
          continue;
        }
        Measured raw = withRaw ? rawMedian(c.encrypted(), false, size, writes) : Measured.NONE;
        // Encrypted cases are also set against the engine's own encryption of every message.
        double rawSealed = withRaw && c.encrypted() ? rawMedian(true, true, size, writes).perSecond() : Double.NaN;
        Result r = baton(c, size, writes);
        System.out.printf(Locale.ROOT, "| %s | %d B | %,.0f | %.1f | %.1f | %s | %s | %s | %s | %s | %s | %.2f µs | %s |%n",
            c.label(), size, r.perSecond, r.perSecond * size / 1e6, r.writesPerMessage,
            cell("%,.0f", raw.perSecond()), cell("%.2f", r.perSecond / raw.perSecond()),
            cell("%,.0f", rawSealed), cell("%.2f", r.perSecond / rawSealed),
            micros(r.p50), micros(r.p99), r.cpuMicros, cell("%.2f µs", raw.cpuMicros()));
      }
    }
  }

  private static String micros(long nanos) {
    return nanos < 1_000_000 ? String.format(Locale.ROOT, "%d µs", nanos / 1000)
        : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static Map<String, String> settings(String topology, WriteMode mode, boolean encrypted) {
    int port = PORT.getAndAdd(1);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("clusterName", "bench-" + port);
    p.put("bindAddress", "127.0.0.1");
    p.put("mcastAddress", "239.78." + (port % 200) + "." + (1 + port % 250));
    p.put("mcastPort", Integer.toString(port));
    p.put("topology", topology);
    p.put("writeMode", mode.name());
    if (encrypted) {
      p.put("secret", SECRET);
    } else {
      p.put("encryption", "none");
    }
    return p;
  }

  record Result(double perSecond, double writesPerMessage, long p50, long p99, double cpuMicros) {}

  /** A rate, and the CPU the whole process spent per unit (µs) while it was measured. */
  record Measured(double perSecond, double cpuMicros) {
    /** Not measured: every figure from it prints as "–". */
    static final Measured NONE = new Measured(Double.NaN, Double.NaN);
  }

  /** {@code v} formatted, or "–" for a figure not measured. */
  private static String cell(String format, double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
  }

  /**
   * CPU time of this whole process (its three nodes, the writer, the collector, the JIT), in
   * nanoseconds: steadier than a rate on two shared cores, where the figure that counts is the
   * work per write; NaN where the JVM does not tell.
   */
  private static double processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : Double.NaN;
  }

  private static double writesPerMessage(ClusterNode writer, long messagesBefore, int writes) {
    return writes / (double) Math.max(1, writer.metrics().getWriteMessages() - messagesBefore);
  }

  private static Result baton(Case c, int size, int writes) throws Exception {
    Map<String, String> base = settings(c.topology(), c.mode(), c.encrypted());
    List<ClusterNode> nodes = new ArrayList<>();
    try {
      for (String name : List.of("n1", "n2", "n3")) {
        Map<String, String> p = new LinkedHashMap<>(base);
        p.put("nodeName", name);
        nodes.add(ClusterNode.start(ClusterSettings.from(p)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (nodes.stream().anyMatch(n -> n.memberNames().size() < 3)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster did not form: " + nodes);
        }
        Thread.onSpinWait();
      }
      ClusterNode writer = nodes.get(0);
      // Put-to-visible latency is measured apart, at a paced 4,000 writes/s: at full speed it would
      // only measure the queue.
      int paced = Math.min(writes, 4000);
      AtomicLongArray sentAt = new AtomicLongArray(KEYS);
      long[] latencies = new long[2 * paced];
      // Each receiving node counts its own arrivals (as each raw receiver does), so the two do not
      // contend for one counter; latencies are taken only in the paced phase, where they are reported.
      AtomicBoolean timing = new AtomicBoolean();
      AtomicInteger arrivedTimed = new AtomicInteger();
      AtomicReference<CountDownLatch> allArrived = new AtomicReference<>();
      int[] expected = expectedCopies(c, writer, writes);
      AtomicInteger[] arrivals = {new AtomicInteger(), new AtomicInteger()};
      for (int r = 0; r < 2; r++) {
        AtomicInteger mine = arrivals[r];
        int mineExpected = expected[r];
        nodes.get(r + 1).addChangeListener(e -> {
          int idx = ByteBuffer.wrap(e.key(), 1, 4).getInt();
          if (idx < 0 || idx >= KEYS) {
            return;
          }
          if (timing.get()) {
            int slot = arrivedTimed.getAndIncrement();
            if (slot < latencies.length) {
              latencies[slot] = System.nanoTime() - sentAt.get(idx);
            }
          } else if (mine.incrementAndGet() == mineExpected) {
            allArrived.get().countDown();
          }
        });
      }
      Runnable expectAll = () -> {
        arrivals[0].set(0);
        arrivals[1].set(0);
        allArrived.set(new CountDownLatch((expected[0] > 0 ? 1 : 0) + (expected[1] > 0 ? 1 : 0)));
      };
      expectAll.run();
      // Warm-up: rounds of the same writes as measured, until the JIT has compiled Baton's path, as
      // the raw runs' warm-up does for JGroups'. The measured writes then overwrite these keys, as
      // session updates do, and the tables stay at one entry per key.
      byte[] value = new byte[size];
      WarmUp.untilCompiled(() -> {
        expectAll.run();
        if (c.mode() == WriteMode.ASYNC) {
          for (int i = 0; i < writes; i++) {
            writer.put(key(i), value, 0, WriteMode.ASYNC);
          }
        } else {
          syncFromEightThreads(writer, writes, value);
        }
        awaitCopies(allArrived.get(), arrivals, expected);
      });
      if (c.mode() == WriteMode.ASYNC) {
        // The median of three runs, as for raw multicast.
        double[] rates = new double[3];
        long messagesBefore = writer.metrics().getWriteMessages();
        double cpuBefore = processCpuNanos();
        for (int run = 0; run < rates.length; run++) {
          expectAll.run();
          long start = System.nanoTime();
          for (int i = 0; i < writes; i++) {
            writer.put(key(i), value, 0, WriteMode.ASYNC);
          }
          awaitCopies(allArrived.get(), arrivals, expected);
          rates[run] = writes / ((System.nanoTime() - start) / 1e9);
        }
        double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / (rates.length * writes);
        Arrays.sort(rates);
        double perMessage = writesPerMessage(writer, messagesBefore, rates.length * writes);
        timing.set(true);
        for (int i = 0; i < paced; i++) {
          long due = System.nanoTime() + 250_000;
          sentAt.set(i % KEYS, System.nanoTime());
          writer.put(key(i), value, 0, WriteMode.ASYNC);
          while (System.nanoTime() < due) {
            Thread.onSpinWait();
          }
        }
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int pacedExpected = (expected[0] + expected[1]) * paced / writes;
        while (arrivedTimed.get() < pacedExpected && System.nanoTime() < waitUntil) {
          Thread.onSpinWait();
        }
        if (arrivedTimed.get() == 0) {
          throw new IllegalStateException("no paced write arrived; metrics " + nodes.get(1).metrics());
        }
        long[] l = Arrays.copyOf(latencies, Math.min(arrivedTimed.get(), latencies.length));
        Arrays.sort(l);
        return new Result(rates[1], perMessage, l[l.length / 2], l[(int) (l.length * 0.99)], cpuMicros);
      }
      // Sync: latency from one writer thread, throughput from 8.
      int timed = Math.min(writes, KEYS);
      long[] putLatencies = new long[timed];
      for (int i = 0; i < timed; i++) {
        long t0 = System.nanoTime();
        writer.put(key(i), value, 0, WriteMode.SYNC);
        putLatencies[i] = System.nanoTime() - t0;
      }
      Arrays.sort(putLatencies);
      double[] rates = new double[3];
      long messagesBefore = writer.metrics().getWriteMessages();
      double cpuBefore = processCpuNanos();
      for (int run = 0; run < rates.length; run++) {
        rates[run] = writes / syncFromEightThreads(writer, writes, value);
      }
      double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / (rates.length * writes);
      Arrays.sort(rates);
      return new Result(rates[1], writesPerMessage(writer, messagesBefore, rates.length * writes),
          putLatencies[timed / 2], putLatencies[(int) (timed * 0.99)], cpuMicros);
    } finally {
      nodes.forEach(ClusterNode::close);
    }
  }

  private static void awaitCopies(CountDownLatch allArrived, AtomicInteger[] arrivals, int[] expected)
      throws InterruptedException {
    if (!allArrived.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + Arrays.toString(arrivals) + " of " + Arrays.toString(expected)
          + " copies arrived");
    }
  }

  /** Writes {@code writes} keys in sync mode from 8 threads; returns the seconds taken. */
  private static double syncFromEightThreads(ClusterNode writer, int writes, byte[] value) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t;
        // Thread t writes the keys t, t + 8, ...: no key is written by two threads at once, so
        // every write arrives as the newest of its key and the listeners count each one.
        futures.add(pool.submit(() -> {
          for (int i = first; i < writes; i += 8) {
            writer.put(key(i), value, 0, WriteMode.SYNC);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(300, TimeUnit.SECONDS);
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  /** Copies that must arrive on n2 and on n3 for {@code writes} keys written on n1. */
  private static int[] expectedCopies(Case c, ClusterNode writer, int writes) {
    if (c.topology().equals("replicated")) {
      return new int[] {writes, writes};
    }
    List<String> names = List.of("n1", "n2", "n3");
    dev.baton.hash.BuzHash hash = writer.settings().keyHash();
    RendezvousOwners<String> owners = new RendezvousOwners<>(names, names, hash);
    int[] n = new int[2];
    for (int i = 0; i < writes; i++) {
      List<String> o = owners.owners(hash.hash(key(i)), writer.settings().owners());
      n[0] += o.contains("n2") ? 1 : 0;
      n[1] += o.contains("n3") ? 1 : 0;
    }
    return n;
  }

  /** The key of write {@code i}: writes cycle over {@link #KEYS} keys, as updates of live sessions do. */
  private static byte[] key(int i) {
    // Kind 1 (HTTP session) followed by the index, so listeners can tell which write arrived.
    return ByteBuffer.allocate(12).put((byte) 1).putInt(i % KEYS).putInt(0x5E55).array();
  }

  private static final String BATON_BUNDLER = "bundler_type=\"dev.baton.cluster.ReusingBundler\"";

  /**
   * Baton's UDP stack with JGroups' per-destination bundler in place of Baton's {@code ReusingBundler}
   * (JGroups' {@code no-bundler} with a kept buffer): Baton batches its writes itself, raw multicast
   * of one small message at a time needs JGroups to bundle them, so the baseline gets the bundler (a
   * stronger baseline, not a weaker one). Made when a raw run first needs it.
   */
  private static final class RawStack {
    static final java.nio.file.Path FILE = rawStack();
  }

  private static java.nio.file.Path rawStack() {
    try (java.io.InputStream in = ChannelFactory.class.getResourceAsStream("udp.xml")) {
      String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!xml.contains(BATON_BUNDLER)) {
        throw new IllegalStateException("udp.xml no longer says " + BATON_BUNDLER + "; update the raw stack");
      }
      java.nio.file.Path file = java.nio.file.Files.createTempFile("raw-udp", ".xml");
      file.toFile().deleteOnExit();
      java.nio.file.Files.writeString(file, xml.replace(BATON_BUNDLER, "bundler_type=\"pd\""));
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Raw multicast swings by 2x between runs on shared cores: the median of three (rate and CPU apart). */
  private static Measured rawMedian(boolean encrypted, boolean symEncrypt, int size, int count) throws Exception {
    double[] rates = new double[3];
    double[] cpu = new double[3];
    for (int i = 0; i < rates.length; i++) {
      Measured m = rawMulticast(encrypted, symEncrypt, size, count);
      rates[i] = m.perSecond();
      cpu[i] = m.cpuMicros();
    }
    Arrays.sort(rates);
    Arrays.sort(cpu);
    return new Measured(rates[1], cpu[1]);
  }

  /**
   * Raw JGroups multicast of {@code count} messages of {@code size} bytes to 3 members; msgs/s at the
   * receivers and the process's CPU per message. With {@code symEncrypt}, JGroups' SYM_ENCRYPT (AES-CBC, as its documentation sets it
   * up) encrypts each message's payload below NAKACK2: the engine's own way to keep payloads secret.
   */
  private static Measured rawMulticast(boolean encrypted, boolean symEncrypt, int size, int count) throws Exception {
    Map<String, String> p = settings("replicated", WriteMode.ASYNC, encrypted);
    p.put("stack", RawStack.FILE.toString());
    List<JChannel> channels = new ArrayList<>();
    AtomicReference<CountDownLatch> roundDone = new AtomicReference<>();
    List<AtomicInteger> received = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        p.put("nodeName", "raw" + i);
        JChannel ch = ChannelFactory.rawChannel(ClusterSettings.from(p));
        ch.name("raw" + i);
        if (symEncrypt) {
          SYM_ENCRYPT enc = new SYM_ENCRYPT().setSecretKey(new SecretKeySpec(new byte[32], "AES"));
          enc.symAlgorithm("AES/CBC/PKCS5Padding");
          enc.symIvLength(16);
          ch.getProtocolStack().insertProtocol(enc, ProtocolStack.Position.BELOW, NAKACK2.class);
          enc.init();
        }
        if (i > 0) {
          AtomicInteger got = new AtomicInteger();
          received.add(got);
          ch.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
              if (got.incrementAndGet() == count) {
                roundDone.get().countDown();
              }
            }
          });
        }
        ch.connect(p.get("clusterName"));
        channels.add(ch);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (channels.stream().anyMatch(ch -> ch.getView().size() < 3)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("raw cluster did not form");
        }
        Thread.onSpinWait();
      }
      JChannel sender = channels.get(0);
      byte[] payload = new byte[size];
      WarmUp.Round round = () -> {
        received.forEach(got -> got.set(0));
        roundDone.set(new CountDownLatch(received.size()));
        for (int i = 0; i < count; i++) {
          sender.send(new BytesMessage(null, payload).setFlag(Message.TransientFlag.DONT_LOOPBACK));
        }
        if (!roundDone.get().await(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException("raw multicast did not complete: " + received + " of " + count);
        }
      };
      WarmUp.untilCompiled(round);
      double cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      round.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measured(count / seconds, (processCpuNanos() - cpuBefore) / 1e3 / count);
    } finally {
      channels.forEach(JChannel::close);
    }
  }
}
