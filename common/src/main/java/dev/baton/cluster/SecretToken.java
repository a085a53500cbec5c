package dev.baton.cluster;

import dev.baton.wire.KeyMaterial;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.UUID;

/**
 * JGroups AUTH token proving that a joining (or merging) member holds a cluster secret, without
 * sending it: {@code HMAC-SHA256(authKey, cluster || timestamp || nonce || address || role)}. The
 * coordinator recomputes it for the address the request came from, with its own cluster name and
 * the role that address carries, and accepts it only within {@link #MAX_AGE_MILLIS} of its own clock
 * and only once: a captured token is useless for another address, another cluster, another role,
 * later on, or a second time.
 *
 * <p>Every unit of an encrypted cluster is already authenticated by its envelope
 * ({@link SealedTransport}); this gates membership on top of it. A token read from the network has
 * no key and can only be checked by a keyed one. Named by class in JGroups' AUTH.
 */
public final class SecretToken extends AuthToken {

  /** How far a token's timestamp may be from the checker's clock (allows for clock skew). */
  static final long MAX_AGE_MILLIS = 60_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The keys of the active secrets, the one that makes tokens first; null for a token read. */
  private final List<byte[]> keys;
  private final String cluster;
  /** Nonces accepted within the window, with their timestamps: each is accepted once. */
  private final Map<ByteBuffer, Long> seen = new ConcurrentHashMap<>();
  private long timestamp;
  private byte[] nonce = new byte[16];
  private byte[] mac = new byte[32];

  /** For JGroups, which creates tokens read from the network reflectively. */
  public SecretToken() {
    this.keys = null;
    this.cluster = null;
  }

  SecretToken(List<byte[]> authKeys, String cluster) {
    this.keys = authKeys.stream().map(byte[]::clone).toList();
    this.cluster = cluster;
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
    if (token == this && keys != null) {
      // A message this member sent to itself (a merge leader does) is looped back without being
      // serialized, so it carries this very instance: it never left the process.
      return true;
    }
    if (keys == null || !(token instanceof SecretToken other) || msg.getSrc() == null) {
      return false;
    }
    long now = System.currentTimeMillis();
    if (Math.abs(now - other.timestamp) > MAX_AGE_MILLIS) {
      return false;
    }
    boolean valid = false;
    for (byte[] key : keys) {
      valid |= MessageDigest.isEqual(mac(key, cluster, other.timestamp, other.nonce, msg.getSrc()), other.mac);
    }
    if (!valid) {
      return false;
    }
    seen.values().removeIf(t -> Math.abs(now - t) > MAX_AGE_MILLIS);
    return seen.putIfAbsent(ByteBuffer.wrap(other.nonce.clone()), other.timestamp) == null;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    if (keys == null) {
      throw new IOException("a token without a key cannot be sent");
    }
    long now = System.currentTimeMillis();
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    out.writeLong(now);
    out.write(n);
    out.write(mac(keys.get(0), cluster, now, n, auth.getAddress()));
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    timestamp = in.readLong();
    in.readFully(nonce);
    in.readFully(mac);
  }

  private static byte[] mac(byte[] key, String cluster, long timestamp, byte[] nonce, Address addr) {
    ByteBuffer who = ByteBuffer.allocate(16);
    if (addr instanceof UUID u) {
      who.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    }
    byte[] role = addr instanceof ExtendedUUID e && e.get(Membership.ROLE) != null ? e.get(Membership.ROLE) : new byte[0];
    return KeyMaterial.hmac(key, "baton-join".getBytes(StandardCharsets.US_ASCII),
        cluster.getBytes(StandardCharsets.UTF_8), new byte[] {0},
        ByteBuffer.allocate(8).putLong(timestamp).array(), nonce, who.array(), role);
  }
}
