package dev.baton.tls;

import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;
import dev.baton.wire.WireWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cluster's TLS session-ticket keys, oldest first: the keys that still decrypt, the one that
 * encrypts now, and the next ones, created at least one rotation period ahead so that every node
 * holds a key before it has to encrypt with it. Immutable.
 */
public final class TicketKeyRing {

  /** Most keys a ring may hold (a rotation of one hour with a 24 h ticket lifetime needs 26). */
  public static final int MAX_KEYS = 1024;

  /** A ring without keys. */
  public static final TicketKeyRing EMPTY = new TicketKeyRing(List.of());

  private final List<TicketKey> keys;

  /** A ring of {@code keys}, ordered here by {@code notBefore}. */
  public TicketKeyRing(List<TicketKey> keys) {
    if (keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException(keys.size() + " ticket keys, the limit is " + MAX_KEYS);
    }
    List<TicketKey> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparingLong(TicketKey::notBefore));
    this.keys = List.copyOf(sorted);
  }

  /** Every key, oldest first. */
  public List<TicketKey> keys() {
    return keys;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * The key that encrypts new tickets at {@code now}: the newest key already valid. When rotation
   * is late (no node wrote the next key in time) the last key keeps encrypting while it still
   * decrypts, rather than leave each node to make a key of its own. Null if no key is usable.
   */
  public TicketKey current(long now) {
    TicketKey best = null;
    for (TicketKey k : keys) {
      if (k.notBefore() <= now && k.decryptUntil() > now) {
        best = k;
      }
    }
    return best;
  }

  /** The keys that decrypt at {@code now}, oldest first. */
  public List<TicketKey> decrypting(long now) {
    List<TicketKey> out = new ArrayList<>(keys.size());
    for (TicketKey k : keys) {
      if (k.decryptUntil() > now) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * This ring at {@code now}: keys past their {@code decryptUntil} dropped, a current key, and next
   * keys until one encrypts beyond {@code now + rotationMillis}. Returns this ring itself when
   * nothing had to change, so a caller can tell whether to write it.
   */
  public TicketKeyRing rotated(long now, long rotationMillis, long lifetimeMillis, SecureRandom random) {
    List<TicketKey> next = decrypting(now);
    boolean changed = next.size() != keys.size();
    TicketKey newest = next.isEmpty() ? null : next.get(next.size() - 1);
    if (newest == null || newest.encryptUntil() <= now) {
      newest = TicketKey.generate(random, now, rotationMillis, lifetimeMillis);
      next.add(newest);
      changed = true;
    }
    while (newest.encryptUntil() <= now + rotationMillis) {
      newest = TicketKey.generate(random, newest.encryptUntil(), rotationMillis, lifetimeMillis);
      next.add(newest);
      changed = true;
    }
    return changed ? new TicketKeyRing(next) : this;
  }

  /** The wire form, to be stored in the cluster cache (which seals it in transit). */
  public byte[] encode() {
    WireWriter w = WireWriter.message(WireFormat.TYPE_TICKET_KEY_RING, 4 + keys.size() * 104);
    w.writeVarInt(keys.size());
    for (TicketKey k : keys) {
      byte[] blob = k.openSslBlob();
      w.writeRaw(blob, 0, blob.length);
      java.util.Arrays.fill(blob, (byte) 0);
      w.writeLong(k.notBefore()).writeLong(k.encryptUntil()).writeLong(k.decryptUntil());
    }
    return w.toByteArray();
  }

  /**
   * Reads {@link #encode()}'s form.
   *
   * @throws MalformedMessageException if the bytes are not a ring
   */
  public static TicketKeyRing decode(byte[] bytes) throws MalformedMessageException {
    WireReader r = new WireReader(bytes);
    int type = r.readHeader();
    if (type != WireFormat.TYPE_TICKET_KEY_RING) {
      throw new MalformedMessageException("not a ticket key ring (type " + type + ")");
    }
    int n = r.readLength(MAX_KEYS, "ticket keys");
    List<TicketKey> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] name = r.readRaw(TicketKey.NAME_BYTES, "ticket key name");
      byte[] hmac = r.readRaw(TicketKey.HMAC_BYTES, "ticket HMAC key");
      byte[] aes = r.readRaw(TicketKey.AES_BYTES, "ticket AES key");
      try {
        keys.add(new TicketKey(name, hmac, aes, r.readLong(), r.readLong(), r.readLong()));
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException(e.getMessage());
      }
    }
    r.expectEnd();
    return new TicketKeyRing(keys);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TicketKeyRing r && keys.equals(r.keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  @Override
  public String toString() {
    return "TicketKeyRing" + keys;
  }
}
