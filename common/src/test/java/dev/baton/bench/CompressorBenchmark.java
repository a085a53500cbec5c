package dev.baton.bench;

import dev.baton.codec.Compressor;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
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

/**
 * Does pooling Deflaters pay? {@link Compressor} (a fresh Deflater per value) against the same work
 * with Deflaters borrowed from a commons-pool2 pool. It did not on JDK 17, so Compressor has no pool.
 */
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
  private byte[] chunkTemplate;
  private final Compressor compressor = new Compressor(1024, 1 << 20);
  private GenericObjectPool<Deflater> pool;

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
    chunkTemplate = new byte[Math.min(size, 64 * 1024)];
    pool = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
      @Override public Deflater create() { return new Deflater(Deflater.BEST_SPEED, true); }
      @Override public PooledObject<Deflater> wrap(Deflater d) { return new DefaultPooledObject<>(d); }
      @Override public void passivateObject(PooledObject<Deflater> p) { p.getObject().reset(); }
      @Override public void destroyObject(PooledObject<Deflater> p) { p.getObject().end(); }
    });
  }

  @TearDown
  public void close() {
    pool.close();
  }

  @Benchmark
  public byte[] freshDeflater() {
    return compressor.compress(value);
  }

  @Benchmark
  public byte[] pooledDeflater() throws Exception {
    Deflater d = pool.borrowObject();
    try {
      d.setInput(value);
      d.finish();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(value.length / 2);
      byte[] chunk = chunkTemplate.clone();
      while (!d.finished()) {
        out.write(chunk, 0, d.deflate(chunk));
      }
      return out.toByteArray();
    } finally {
      pool.returnObject(d);
    }
  }
}
