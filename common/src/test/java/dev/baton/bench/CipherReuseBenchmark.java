package dev.baton.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * Does keeping an AES-GCM Cipher per thread pay, as the envelope does, against Cipher.getInstance
 * per message? (An earlier version of this benchmark measured a commons-pool2 pool instead of the
 * thread's own Cipher: docs/design/0004.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class CipherReuseBenchmark {

  @Param({"256", "1024", "8192"})
  int size;

  private byte[] body;
  private SecretKeySpec key;
  private final AtomicLong counter = new AtomicLong();
  private final ThreadLocal<Cipher> kept = ThreadLocal.withInitial(CipherReuseBenchmark::newCipher);

  @Setup
  public void setup() {
    body = new byte[size];
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "AES");
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private GCMParameterSpec nonce() {
    byte[] iv = new byte[12];
    java.nio.ByteBuffer.wrap(iv, 4, 8).putLong(counter.incrementAndGet());
    return new GCMParameterSpec(128, iv);
  }

  @Benchmark
  public byte[] threadsOwnCipher() throws Exception {
    Cipher c = kept.get();
    c.init(Cipher.ENCRYPT_MODE, key, nonce());
    return c.doFinal(body);
  }

  @Benchmark
  public byte[] newCipherEachTime() throws Exception {
    Cipher c = newCipher();
    c.init(Cipher.ENCRYPT_MODE, key, nonce());
    return c.doFinal(body);
  }
}
