package dev.baton.wire;

import dev.baton.wire.WireFormat;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * Seals cluster messages with AES-256-GCM, so that a message is confidential and any change to it is
 * detected, independently of what JGroups' own encryption does (payload-only AES-CBC without a MAC,
 * headers in clear).
 *
 * <p>Frame: {@code header(4) salt(16) counter(8) ciphertext+tag(16)}. Each node picks a random salt
 * at start and derives its key as {@code HMAC-SHA256(sealMaster, salt)}; the nonce is the message
 * counter, so a nonce never repeats under one key. The header, salt and counter are associated
 * data; the body (entry keys, versions, origins and values) is encrypted and authenticated.
 *
 * <p>Cipher instances are costly to create and not thread-safe: they are pooled. Thread-safe.
 */
final class Sealer implements AutoCloseable {

  static final int SALT = 16;
  static final int COUNTER = 8;
  static final int TAG_BITS = 128;
  static final int OVERHEAD = WireFormat.HEADER_BYTES + SALT + COUNTER + TAG_BITS / 8;
  private static final int MAX_CACHED_SENDERS = 4096;

  private final byte[] master;
  private final byte[] salt = new byte[SALT];
  private final SecretKeySpec ownKey;
  private final AtomicLong counter = new AtomicLong();
  private final ConcurrentHashMap<ByteBuffer, SecretKeySpec> senderKeys = new ConcurrentHashMap<>();
  private final GenericObjectPool<Cipher> ciphers;

  Sealer(byte[] master) {
    this.master = master.clone();
    new SecureRandom().nextBytes(salt);
    this.ownKey = new SecretKeySpec(KeyMaterial.hmac(this.master, salt), "AES");
    GenericObjectPoolConfig<Cipher> cfg = new GenericObjectPoolConfig<>();
    cfg.setMaxTotal(-1);
    cfg.setMaxIdle(Math.max(8, Runtime.getRuntime().availableProcessors() * 4));
    cfg.setJmxEnabled(false);
    this.ciphers = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
      @Override
      public Cipher create() throws GeneralSecurityException {
        return Cipher.getInstance("AES/GCM/NoPadding");
      }

      @Override
      public PooledObject<Cipher> wrap(Cipher c) {
        return new DefaultPooledObject<>(c);
      }
    }, cfg);
  }

  /** Seals {@code body} behind the 4-byte {@code header}. */
  byte[] seal(byte[] header, byte[] body) {
    return seal(header, body, body.length);
  }

  /** Seals the first {@code len} bytes of {@code body} behind the 4-byte {@code header}. */
  byte[] seal(byte[] header, byte[] body, int len) {
    long n = counter.incrementAndGet();
    byte[] out = new byte[OVERHEAD + len];
    System.arraycopy(header, 0, out, 0, WireFormat.HEADER_BYTES);
    System.arraycopy(salt, 0, out, WireFormat.HEADER_BYTES, SALT);
    ByteBuffer.wrap(out, WireFormat.HEADER_BYTES + SALT, COUNTER).putLong(n);
    int aadLen = WireFormat.HEADER_BYTES + SALT + COUNTER;
    Cipher c = borrow();
    try {
      c.init(Cipher.ENCRYPT_MODE, ownKey, nonce(n));
      c.updateAAD(out, 0, aadLen);
      c.doFinal(body, 0, len, out, aadLen);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM sealing failed", e);
    } finally {
      ciphers.returnObject(c);
    }
  }

  /**
   * Opens a sealed frame and returns the body.
   *
   * @throws SealException if it does not authenticate under the cluster secret
   */
  byte[] open(byte[] frame, int off, int len) throws SealException {
    byte[] body = new byte[bodyLength(len)];
    open(frame, off, len, body);
    return body;
  }

  /**
   * The body length of a sealed frame of {@code len} bytes.
   *
   * @throws SealException if the frame is too short to be sealed
   */
  static int bodyLength(int len) throws SealException {
    if (len < OVERHEAD) {
      throw new SealException("sealed frame of " + len + " bytes is shorter than its overhead", null);
    }
    return len - OVERHEAD;
  }

  /**
   * Opens a sealed frame into the start of {@code body}, which has room for {@link #bodyLength}
   * bytes (on failure it may hold anything).
   *
   * @throws SealException if it does not authenticate under the cluster secret
   */
  void open(byte[] frame, int off, int len, byte[] body) throws SealException {
    bodyLength(len);
    ByteBuffer saltKey = ByteBuffer.wrap(java.util.Arrays.copyOfRange(frame, off + WireFormat.HEADER_BYTES,
        off + WireFormat.HEADER_BYTES + SALT));
    SecretKeySpec key = senderKeys.get(saltKey);
    boolean known = key != null;
    if (!known) {
      key = new SecretKeySpec(KeyMaterial.hmac(master, saltKey.array()), "AES");
    }
    long n = ByteBuffer.wrap(frame, off + WireFormat.HEADER_BYTES + SALT, COUNTER).getLong();
    int aadLen = WireFormat.HEADER_BYTES + SALT + COUNTER;
    Cipher c = borrow();
    try {
      c.init(Cipher.DECRYPT_MODE, key, nonce(n));
      c.updateAAD(frame, off, aadLen);
      c.doFinal(frame, off + aadLen, len - aadLen, body, 0);
      if (!known) {
        // Cached only once a message authenticated, so forged salts cannot fill the cache.
        if (senderKeys.size() >= MAX_CACHED_SENDERS) {
          senderKeys.clear();
        }
        senderKeys.put(saltKey, key);
      }
    } catch (GeneralSecurityException e) {
      throw new SealException("message does not authenticate under the cluster secret", e);
    } finally {
      ciphers.returnObject(c);
    }
  }

  private static GCMParameterSpec nonce(long n) {
    byte[] iv = new byte[12];
    ByteBuffer.wrap(iv, 4, 8).putLong(n);
    return new GCMParameterSpec(TAG_BITS, iv);
  }

  private Cipher borrow() {
    try {
      return ciphers.borrowObject();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create an AES-GCM cipher", e);
    }
  }

  @Override
  public void close() {
    ciphers.close();
  }
}
