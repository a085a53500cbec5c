package dev.baton.bench;

import dev.baton.cache.StateTable;
import dev.baton.hash.BuzHash;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Heap bytes per entry, measured: used heap after full GCs with 1M entries, minus before, divided by
 * 1M. The key and value arrays are allocated before the "before" reading and shared, so the figure
 * is the structure's own overhead (nodes, wrappers, slot or bucket arrays), plus, for the state
 * table, the copy of each key it keeps. Run:
 * {@code mvn -pl common -Pbench test-compile exec:exec -Dbench.main=dev.baton.bench.HeapPerEntry -Djmh.args=}
 */
public final class HeapPerEntry {

  public static void main(String[] args) {
    int n = TableBenchmark.ENTRIES;
    byte[][] keys = TableBenchmark.sessionKeys(n);
    byte[] value = new byte[100];
    report("StateTable", n, () -> {
      StateTable t = StateTable.builder(BuzHash.withSeed("bench")).build();
      for (byte[] k : keys) {
        t.put(k, value, 0);
      }
      System.out.printf("  (table's own estimate incl. arrays: %.1f bytes/entry)%n", (double) t.bytes() / n);
      return t;
    });
    report("ConcurrentHashMap<ByteKey, Versioned>", n, () -> {
      ConcurrentHashMap<ByteKey, Versioned> m = new ConcurrentHashMap<>();
      for (byte[] k : keys) {
        m.put(new ByteKey(k), new Versioned(value, 1, 1, 1, 1, 0));
      }
      return m;
    });
    report("ConcurrentHashMap<ByteKey, byte[]> (no versions, no expiry)", n, () -> {
      ConcurrentHashMap<ByteKey, byte[]> m = new ConcurrentHashMap<>();
      for (byte[] k : keys) {
        m.put(new ByteKey(k), value);
      }
      return m;
    });
  }

  private static void report(String name, int n, Supplier<Object> build) {
    long before = usedAfterGc();
    Object structure = build.get();
    long after = usedAfterGc();
    System.out.printf("%-60s %6.1f bytes/entry (excluding the shared key and value arrays)%n",
        name, (double) (after - before) / n);
    if (structure.hashCode() == 42) {
      System.out.print(""); // keeps the structure reachable until after the reading
    }
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
