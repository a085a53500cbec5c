package dev.baton.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Does pooling AES-GCM Cipher instances pay? A pooled Cipher against Cipher.getInstance per message. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class SealerBenchmark {

  @Param({"256", "1024", "8192"})
  int size;

  private byte[] body;
  private SecretKeySpec key;
  private GenericObjectPool<Cipher> pool;
  private final java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();

  @Setup
  public void setup() {
    body = new byte[size];
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    pool = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
      @Override public Cipher create() throws Exception { return Cipher.getInstance("AES/GCM/NoPadding"); }
      @Override public PooledObject<Cipher> wrap(Cipher c) { return new DefaultPooledObject<>(c); }
    });
  }

  @TearDown
  public void close() {
    pool.close();
  }

  private GCMParameterSpec nonce() {
    byte[] iv = new byte[12];
    java.nio.ByteBuffer.wrap(iv, 4, 8).putLong(counter.incrementAndGet());
    return new GCMParameterSpec(128, iv);
  }

  @Benchmark
  public byte[] pooledCipher() throws Exception {
    Cipher c = pool.borrowObject();
    try {
      c.init(Cipher.ENCRYPT_MODE, key, nonce());
      return c.doFinal(body);
    } finally {
      pool.returnObject(c);
    }
  }

  @Benchmark
  public byte[] newCipherEachTime() throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key, nonce());
    return c.doFinal(body);
  }
}
