package dev.baton.bench;

import dev.baton.hash.BuzHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
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
 * Key hashing speed: BuzHash against the JDK's hashes on the same bytes. GB/s = ops/s x length.
 * {@code stringHashCode} includes building the String (its hash is cached once computed, so a
 * session manager pays it with the String it decodes from the cookie); {@code newStringOnly} is that
 * construction alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BuzHashBenchmark {

  @Param({"16", "32", "64", "128"})
  int length;

  private final BuzHash buz = BuzHash.withSeed("bench");
  private byte[] key;

  @Setup
  public void setup() {
    key = new byte[length];
    Random rnd = new Random(length);
    for (int i = 0; i < length; i++) {
      key[i] = (byte) ('0' + rnd.nextInt(75)); // printable, like session ids and paths
    }
  }

  @Benchmark
  public long buzHash() {
    return buz.hash(key);
  }

  @Benchmark
  public int arraysHashCode() {
    return Arrays.hashCode(key);
  }

  @Benchmark
  public int stringHashCode() {
    return new String(key, StandardCharsets.ISO_8859_1).hashCode();
  }

  @Benchmark
  public Object newStringOnly() {
    return new String(key, StandardCharsets.ISO_8859_1);
  }
}
