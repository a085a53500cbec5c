package dev.baton.tls;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLS session-ticket key of the cluster's ring: a 16-byte name that travels in the clear inside
 * each ticket, an HMAC-SHA256 key and an AES-256 key (OpenSSL's RFC 5077 layout; the JDK uses the
 * AES key alone with GCM). It encrypts new tickets from {@code notBefore} to {@code encryptUntil}
 * and decrypts them until {@code decryptUntil}.
 *
 * <p>The key material undoes the forward secrecy of every ticket made with it: {@link #toString()}
 * shows the name and the times only, and callers must never log the keys.
 */
public final class TicketKey {

  /** Bytes of the name, the HMAC key and the AES key. */
  public static final int NAME_BYTES = 16;
  public static final int HMAC_BYTES = 32;
  public static final int AES_BYTES = 32;

  private final byte[] name;
  private final byte[] hmacKey;
  private final byte[] aesKey;
  private final long notBefore;
  private final long encryptUntil;
  private final long decryptUntil;

  /**
   * @throws IllegalArgumentException if a key has the wrong length or the times are out of order
   */
  public TicketKey(byte[] name, byte[] hmacKey, byte[] aesKey, long notBefore, long encryptUntil, long decryptUntil) {
    if (name.length != NAME_BYTES || hmacKey.length != HMAC_BYTES || aesKey.length != AES_BYTES) {
      throw new IllegalArgumentException("a ticket key is a 16-byte name, a 32-byte HMAC key and a 32-byte AES key");
    }
    if (!(notBefore < encryptUntil && encryptUntil <= decryptUntil)) {
      throw new IllegalArgumentException("a ticket key needs notBefore < encryptUntil <= decryptUntil");
    }
    this.name = name.clone();
    this.hmacKey = hmacKey.clone();
    this.aesKey = aesKey.clone();
    this.notBefore = notBefore;
    this.encryptUntil = encryptUntil;
    this.decryptUntil = decryptUntil;
  }

  /** A fresh random key that encrypts from {@code notBefore} for {@code encryptMillis}, then decrypts for {@code lifetimeMillis}. */
  public static TicketKey generate(SecureRandom random, long notBefore, long encryptMillis, long lifetimeMillis) {
    byte[] n = new byte[NAME_BYTES];
    byte[] h = new byte[HMAC_BYTES];
    byte[] a = new byte[AES_BYTES];
    random.nextBytes(n);
    random.nextBytes(h);
    random.nextBytes(a);
    return new TicketKey(n, h, a, notBefore, notBefore + encryptMillis, notBefore + encryptMillis + lifetimeMillis);
  }

  public byte[] name() { return name.clone(); }
  public byte[] hmacKey() { return hmacKey.clone(); }
  public byte[] aesKey() { return aesKey.clone(); }
  public long notBefore() { return notBefore; }
  public long encryptUntil() { return encryptUntil; }
  public long decryptUntil() { return decryptUntil; }

  /** The JDK's ticket key number: the first four bytes of the name. */
  public int jdkKeyId() {
    return ((name[0] & 0xFF) << 24) | ((name[1] & 0xFF) << 16) | ((name[2] & 0xFF) << 8) | (name[3] & 0xFF);
  }

  /** OpenSSL's 80-byte key blob: name, HMAC key, AES key. The caller must wipe it after use. */
  public byte[] openSslBlob() {
    byte[] out = new byte[NAME_BYTES + HMAC_BYTES + AES_BYTES];
    System.arraycopy(name, 0, out, 0, NAME_BYTES);
    System.arraycopy(hmacKey, 0, out, NAME_BYTES, HMAC_BYTES);
    System.arraycopy(aesKey, 0, out, NAME_BYTES + HMAC_BYTES, AES_BYTES);
    return out;
  }

  /** Whether this key's name is {@code other}. */
  public boolean hasName(byte[] other) {
    return Arrays.equals(name, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TicketKey k && Arrays.equals(name, k.name) && Arrays.equals(hmacKey, k.hmacKey)
        && Arrays.equals(aesKey, k.aesKey) && notBefore == k.notBefore && encryptUntil == k.encryptUntil
        && decryptUntil == k.decryptUntil;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(name);
  }

  @Override
  public String toString() {
    return "TicketKey[" + HexFormat.of().formatHex(name) + ", " + java.time.Instant.ofEpochMilli(notBefore)
        + " .. " + java.time.Instant.ofEpochMilli(encryptUntil) + ", decrypts until "
        + java.time.Instant.ofEpochMilli(decryptUntil) + "]";
  }
}
