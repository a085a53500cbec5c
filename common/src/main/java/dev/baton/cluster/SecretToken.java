package dev.baton.cluster;

import dev.baton.wire.KeyMaterial;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.util.UUID;

/**
 * JGroups AUTH token proving that a joining (or merging) member holds the cluster secret, without
 * sending it: {@code HMAC-SHA256(authKey, timestamp || nonce || sender address)}. The coordinator
 * recomputes it for the address the request came from and accepts it only within
 * {@link #MAX_AGE_MILLIS} of its own clock, so a captured token is useless for another address or
 * later on.
 *
 * <p>This gates membership only; state payloads are sealed separately ({@link dev.baton.wire.Frames}), so messages
 * are not encrypted twice. A token read from the network has no key and can only be checked by a
 * keyed one.
 */
public final class SecretToken extends AuthToken {

  /** How far a token's timestamp may be from the checker's clock (allows for clock skew). */
  static final long MAX_AGE_MILLIS = 5 * 60_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;
  private long timestamp;
  private byte[] nonce = new byte[16];
  private byte[] mac = new byte[32];

  /** For JGroups, which creates tokens read from the network reflectively. */
  public SecretToken() {
    this.key = null;
  }

  SecretToken(byte[] authKey) {
    this.key = authKey.clone();
  }

  @Override
  public String getName() {
    return getClass().getName();
  }

  @Override
  public int size() {
    return 8 + 16 + 32;
  }

  @Override
  public boolean authenticate(AuthToken token, Message msg) {
    if (token == this && key != null) {
      // A message this member sent to itself (a merge leader does) is looped back without being
      // serialized, so it carries this very instance: it never left the process.
      return true;
    }
    if (key == null || !(token instanceof SecretToken other) || msg.getSrc() == null) {
      return false;
    }
    if (Math.abs(System.currentTimeMillis() - other.timestamp) > MAX_AGE_MILLIS) {
      return false;
    }
    return MessageDigest.isEqual(mac(key, other.timestamp, other.nonce, msg.getSrc()), other.mac);
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    if (key == null) {
      throw new IOException("a token without a key cannot be sent");
    }
    long now = System.currentTimeMillis();
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    out.writeLong(now);
    out.write(n);
    out.write(mac(key, now, n, auth.getAddress()));
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    timestamp = in.readLong();
    in.readFully(nonce);
    in.readFully(mac);
  }

  private static byte[] mac(byte[] key, long timestamp, byte[] nonce, Address addr) {
    ByteBuffer who = ByteBuffer.allocate(16);
    if (addr instanceof UUID u) {
      who.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    }
    return KeyMaterial.hmac(key, "baton-join".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        ByteBuffer.allocate(8).putLong(timestamp).array(), nonce, who.array());
  }
}
