package dev.baton.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys derived from the cluster secret with HKDF-SHA256 (RFC 5869), one per purpose, so that no two
 * uses share a key: the JGroups membership (AUTH) key, the state-sealing master key and the
 * BUZhash seed (which keeps key placement unpredictable to outsiders).
 */
public final class KeyMaterial {

  private final byte[] authKey;
  private final byte[] sealMaster;
  private final byte[] hashSeed;

  public KeyMaterial(byte[] secret) {
    byte[] prk = hmac(new byte[32], secret);
    this.authKey = expand(prk, "baton/jgroups-auth", 32);
    this.sealMaster = expand(prk, "baton/state-seal", 32);
    this.hashSeed = expand(prk, "baton/buzhash-seed", 32);
    Arrays.fill(prk, (byte) 0);
  }

  /** HMAC key of the JGroups AUTH token: who holds it may join the cluster. */
  public byte[] authKey() {
    return authKey.clone();
  }

  /** Master key from which each sender derives its AES-256-GCM sealing key. */
  public byte[] sealMaster() {
    return sealMaster.clone();
  }

  /** Seed of the cluster's BUZhash table. */
  public byte[] hashSeed() {
    return hashSeed.clone();
  }

  /** HMAC-SHA256 of the concatenated {@code parts} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static byte[] expand(byte[] prk, String info, int length) {
    // One HKDF-Expand block suffices for up to 32 bytes.
    byte[] t = hmac(prk, info.getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    return Arrays.copyOf(t, length);
  }
}
