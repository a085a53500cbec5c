package dev.baton.bench;

import dev.baton.cache.StateTable;
import dev.baton.hash.BuzHash;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state table against ConcurrentHashMap keyed by a byte-array wrapper: 1M session-like keys
 * (scope + 32 hex chars), 100-byte values, 2 threads, {@code readPercent}% gets and the rest puts.
 * The map stores a {@link Versioned} value, which is what it needs to do the table's job; lookups
 * build a {@link ByteKey} as a caller holding bytes must.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@Threads(2)
public class TableBenchmark {

  static final int ENTRIES = 1 << 20;

  @Param({"90", "50"})
  int readPercent;

  private byte[][] keys;
  private byte[] value;
  private StateTable table;
  private ConcurrentHashMap<ByteKey, Versioned> map;

  static byte[][] sessionKeys(int n) {
    Random rnd = new Random(1);
    byte[][] keys = new byte[n][];
    byte[] raw = new byte[16];
    for (int i = 0; i < n; i++) {
      rnd.nextBytes(raw);
      keys[i] = ("\u0001/shop" + HexFormat.of().withUpperCase().formatHex(raw)).getBytes(StandardCharsets.ISO_8859_1);
    }
    return keys;
  }

  @Setup
  public void setup() {
    keys = sessionKeys(ENTRIES);
    value = new byte[100];
    table = StateTable.builder(BuzHash.withSeed("bench")).initialCapacity(ENTRIES).build();
    map = new ConcurrentHashMap<>(ENTRIES);
    for (byte[] k : keys) {
      table.put(k, value, 0);
      map.put(new ByteKey(k), new Versioned(value, 1, 1, 1, 1, 0));
    }
  }

  @Benchmark
  public Object stateTable() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    byte[] k = keys[rnd.nextInt(ENTRIES)];
    if (rnd.nextInt(100) < readPercent) {
      return table.get(k);
    }
    return table.put(k, value, 0);
  }

  @Benchmark
  public Object concurrentHashMap() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    byte[] k = keys[rnd.nextInt(ENTRIES)];
    if (rnd.nextInt(100) < readPercent) {
      Versioned v = map.get(new ByteKey(k));
      return v == null ? null : v.value();
    }
    long now = System.currentTimeMillis();
    return map.put(new ByteKey(k), new Versioned(value, now, 1, now, now, 0));
  }
}
