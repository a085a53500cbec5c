package dev.baton.bench;

import dev.baton.codec.Compressor;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Does pooling Deflaters pay? The pooled {@link Compressor} against a new Deflater per value. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class CompressorBenchmark {

  @Param({"4096", "32768"})
  int size;

  private byte[] value;
  private Compressor compressor;

  @Setup(Level.Trial)
  public void setup() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < size; i++) {
      sb.append("item-").append(i % 97).append(";qty=").append(i % 5).append(';');
    }
    value = sb.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    value[0] = (byte) 0xBA;
    value[1] = 0x70;
    value[2] = 1;
    value[3] = 0x10;
    compressor = new Compressor(1024, 1 << 20);
  }

  @TearDown
  public void close() {
    compressor.close();
  }

  @Benchmark
  public byte[] pooled() {
    return compressor.compress(value);
  }

  @Benchmark
  public byte[] newDeflaterEachTime() {
    Deflater d = new Deflater(Deflater.BEST_SPEED, true);
    try {
      d.setInput(value);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(value.length / 2);
      byte[] chunk = new byte[Math.min(value.length, 64 * 1024)];
      while (!d.finished()) {
        out.write(chunk, 0, d.deflate(chunk));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }
}
