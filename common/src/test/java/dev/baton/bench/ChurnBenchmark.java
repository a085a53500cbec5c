package dev.baton.bench;

import dev.baton.cache.StateTable;
import dev.baton.hash.BuzHash;
import dev.baton.state.EntryCopy;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a receiving node's tables do under replication load: copies applied with
 * {@code putIfNewer}, each newer than the last and each carrying a value array of its own (as
 * decoded from a message), cycling over 20,000 keys in three tables (the three nodes of the
 * replication benchmark). With {@code freshValues=false} every copy shares one value array, so
 * nothing streams through the caches: the difference is the cost of the table's cache misses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+UnlockExperimentalVMOptions", "-XX:G1NewSizePercent=50"})
public class ChurnBenchmark {

  static final int KEYS = 20_000;
  static final int TABLES = 3;

  @Param({"true", "false"})
  boolean freshValues;

  private final BuzHash hash = BuzHash.withSeed("churn");
  private byte[][] keys;
  private StateTable[] tables;
  private byte[] shared;
  private long version;
  private int next;

  @Setup
  public void setup() {
    keys = TableBenchmark.sessionKeys(KEYS);
    tables = new StateTable[TABLES];
    for (int t = 0; t < TABLES; t++) {
      tables[t] = StateTable.builder(hash).build();
    }
    shared = new byte[1024];
    version = 1L << 40;
  }

  @Benchmark
  public boolean putIfNewer() {
    int i = next++;
    byte[] key = keys[i % KEYS].clone();
    byte[] value = freshValues ? new byte[1024] : shared;
    return tables[i % TABLES].putIfNewer(new EntryCopy(key, value, ++version, 1, 0, 0, 0), hash.hash(key));
  }
}
