package dev.baton.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys derived from a cluster secret with HKDF-SHA256 (RFC 5869), one per purpose and per cluster
 * (the cluster name is part of every derivation), so that no two uses share a key and one secret
 * given to two clusters makes two trust domains: the JGroups membership (AUTH) key, and the master
 * of the {@link Envelope} every unit on the wire is sealed in.
 */
public final class KeyMaterial {

  private final byte[] authKey;
  private final byte[] envelopeMaster;

  public KeyMaterial(byte[] secret, String clusterName) {
    byte[] prk = hmac(new byte[32], secret);
    this.authKey = expand(prk, "baton/jgroups-auth/" + clusterName, 32);
    this.envelopeMaster = expand(prk, "baton/envelope/" + clusterName, 32);
    Arrays.fill(prk, (byte) 0);
  }

  /** HMAC key of the JGroups AUTH token: who holds it may join the cluster. */
  public byte[] authKey() {
    return authKey.clone();
  }

  /** Master of the envelope keys: each sender derives its AES-256-GCM key from it. */
  public byte[] envelopeMaster() {
    return envelopeMaster.clone();
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
    byte[] t = hmac(prk, info.getBytes(StandardCharsets.UTF_8), new byte[] {1});
    return Arrays.copyOf(t, length);
  }
}
