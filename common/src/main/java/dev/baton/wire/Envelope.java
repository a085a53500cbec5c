package dev.baton.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The unit every datagram and TCP frame of an encrypted cluster travels in, checked before anything
 * in it is parsed: JGroups' own headers and Baton's frames alike are encrypted and authenticated
 * with AES-256-GCM, and a unit that does not authenticate, or that was seen before, is dropped.
 *
 * <p>Layout: {@code magic(2) version(1) key(1) sender(8) counter(8) time(8)} (the associated data)
 * then the encrypted body and the 16-byte tag. {@code key} names which cluster key sealed it (two
 * can be active while an operator rolls a new secret through the cluster); {@code sender} is random
 * per process; each sender seals under a key of its own, {@code HMAC(clusterKey, sender)}, with its
 * counter as nonce, so a nonce never repeats under one key. A receiver refuses a unit:
 * <ul>
 *   <li>that is too short, or has another magic or version ({@link Rejection#MALFORMED});</li>
 *   <li>sealed under a key it does not hold ({@link Rejection#UNKNOWN_KEY});</li>
 *   <li>that does not authenticate ({@link Rejection#FORGED});</li>
 *   <li>whose sender's counter it already accepted ({@link Rejection#REPLAYED});</li>
 *   <li>whose time is more than {@link #MAX_SKEW_MILLIS} from its own clock, or whose counter is far
 *       below its sender's highest ({@link Rejection#STALE}).</li>
 * </ul>
 * A receiver keeps the state of a sender (its key, its replay window) only once a unit of it
 * authenticated, so strangers cannot fill it. Thread-safe.
 */
public final class Envelope {

  /** First two bytes of every unit: not the frames' {@link WireFormat#MAGIC}. */
  public static final int MAGIC = 0xBA71;
  static final int VERSION = 1;
  /** Bytes before the body. */
  public static final int HEADER_BYTES = 28;
  static final int TAG_BYTES = 16;
  /** Bytes a unit adds to its body. */
  public static final int OVERHEAD = HEADER_BYTES + TAG_BYTES;
  /** How far a unit's time may be from the receiver's clock: the nodes' clocks must agree this well. */
  public static final long MAX_SKEW_MILLIS = 120_000;
  /** Senders whose state a receiver keeps; those silent for longer than the skew are dropped first. */
  static final int MAX_SENDERS = 4096;

  /** Why a unit was refused. */
  public enum Rejection { MALFORMED, UNKNOWN_KEY, FORGED, REPLAYED, STALE }

  /** A refused unit; nothing of it was parsed. */
  public static final class RejectedException extends Exception {
    private final Rejection cause;

    public RejectedException(Rejection cause, String message) {
      super(message, null, false, false);
      this.cause = cause;
    }

    public Rejection rejection() {
      return cause;
    }
  }

  /** A cluster key: its one-byte name and its master, from which each sender's key is derived. */
  private record Key(int id, byte[] master) {}

  /** What a receiver keeps of one sender. */
  private static final class Peer {
    final SecretKeySpec[] keys;
    final ReplayWindow window = new ReplayWindow();
    volatile long lastSeen;

    Peer(int keyCount) {
      keys = new SecretKeySpec[keyCount];
    }
  }

  private final List<Key> keys;
  private final long sender;
  private final SecretKeySpec ownKey;
  private final AtomicLong counter = new AtomicLong();
  private final Map<Long, Peer> peers = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Envelope::newCipher);

  /**
   * @param masters the cluster keys ({@link KeyMaterial#envelopeMaster()} of each active secret);
   *     the first seals, every one opens
   */
  public Envelope(List<byte[]> masters) {
    this(masters, System::currentTimeMillis);
  }

  Envelope(List<byte[]> masters, LongSupplier clock) {
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("no cluster key");
    }
    List<Key> k = new ArrayList<>();
    for (byte[] m : masters) {
      k.add(new Key(KeyMaterial.hmac(m, "baton/envelope-key-id".getBytes(StandardCharsets.US_ASCII))[0] & 0xFF,
          m.clone()));
    }
    this.keys = Collections.unmodifiableList(k);
    this.sender = new SecureRandom().nextLong();
    this.ownKey = senderKey(keys.get(0).master(), sender);
    this.clock = clock;
  }

  /** The length of the unit that seals a body of {@code len} bytes. */
  public static int sealedLength(int len) {
    return len + OVERHEAD;
  }

  /**
   * Seals {@code len} bytes of {@code in} from {@code off} into {@code out} from {@code outOff},
   * which has room for {@link #sealedLength}; returns the unit's length.
   */
  public int seal(byte[] in, int off, int len, byte[] out, int outOff) {
    long n = counter.incrementAndGet();
    ByteBuffer h = ByteBuffer.wrap(out, outOff, HEADER_BYTES);
    h.putShort((short) MAGIC).put((byte) VERSION).put((byte) keys.get(0).id()).putLong(sender).putLong(n)
        .putLong(clock.getAsLong());
    Cipher c = ciphers.get();
    try {
      c.init(Cipher.ENCRYPT_MODE, ownKey, nonce(n));
      c.updateAAD(out, outOff, HEADER_BYTES);
      return HEADER_BYTES + c.doFinal(in, off, len, out, outOff + HEADER_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM sealing failed", e);
    }
  }

  /** A new array holding the unit that seals {@code len} bytes of {@code in} from {@code off}. */
  public byte[] seal(byte[] in, int off, int len) {
    byte[] out = new byte[sealedLength(len)];
    seal(in, off, len, out, 0);
    return out;
  }

  /**
   * Opens a unit of {@code len} bytes of {@code in} from {@code off} into {@code out} from
   * {@code outOff}, which has room for {@code len - OVERHEAD} bytes; returns the body's length.
   *
   * @throws RejectedException for a unit refused as the class says; {@code out} may hold anything then
   */
  public int open(byte[] in, int off, int len, byte[] out, int outOff) throws RejectedException {
    if (len < OVERHEAD) {
      throw new RejectedException(Rejection.MALFORMED, "a unit of " + len + " bytes is shorter than its overhead");
    }
    ByteBuffer h = ByteBuffer.wrap(in, off, HEADER_BYTES);
    if ((h.getShort() & 0xFFFF) != MAGIC || h.get() != VERSION) {
      throw new RejectedException(Rejection.MALFORMED, "not a unit of this version");
    }
    int keyId = h.get() & 0xFF;
    long from = h.getLong();
    long n = h.getLong();
    long time = h.getLong();
    long now = clock.getAsLong();
    if (Math.abs(now - time) > MAX_SKEW_MILLIS) {
      throw new RejectedException(Rejection.STALE, "sent " + (now - time) + " ms from this node's clock");
    }
    Peer known = peers.get(from);
    RejectedException failure = null;
    for (int i = 0; i < keys.size(); i++) {
      Key k = keys.get(i);
      if (k.id() != keyId) {
        continue;
      }
      SecretKeySpec key = known != null && known.keys[i] != null ? known.keys[i] : senderKey(k.master(), from);
      Cipher c = ciphers.get();
      try {
        c.init(Cipher.DECRYPT_MODE, key, nonce(n));
        c.updateAAD(in, off, HEADER_BYTES);
        int body = c.doFinal(in, off + HEADER_BYTES, len - HEADER_BYTES, out, outOff);
        Peer p = known != null ? known : remember(from);
        p.keys[i] = key;
        switch (p.window.accept(n)) {
          case DUPLICATE -> throw new RejectedException(Rejection.REPLAYED, "counter " + n + " was seen before");
          case TOO_OLD -> throw new RejectedException(Rejection.STALE, "counter " + n + " is far behind its sender's");
          case FRESH -> {
            p.lastSeen = now;
            return body;
          }
        }
      } catch (GeneralSecurityException e) {
        failure = new RejectedException(Rejection.FORGED, "does not authenticate under the cluster key");
      }
    }
    throw failure != null ? failure : new RejectedException(Rejection.UNKNOWN_KEY, "sealed with a key this node does not hold");
  }

  private Peer remember(long from) {
    if (peers.size() >= MAX_SENDERS) {
      long idle = clock.getAsLong() - MAX_SKEW_MILLIS;
      // A sender silent for longer than the skew can replay nothing: its old units are stale.
      peers.values().removeIf(p -> p.lastSeen < idle);
    }
    return peers.computeIfAbsent(from, f -> new Peer(keys.size()));
  }

  private static SecretKeySpec senderKey(byte[] master, long sender) {
    return new SecretKeySpec(KeyMaterial.hmac(master, "baton/envelope-sender".getBytes(StandardCharsets.US_ASCII),
        ByteBuffer.allocate(8).putLong(sender).array()), "AES");
  }

  private static GCMParameterSpec nonce(long n) {
    byte[] iv = new byte[12];
    ByteBuffer.wrap(iv, 4, 8).putLong(n);
    return new GCMParameterSpec(TAG_BYTES * 8, iv);
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is required by every Java platform", e);
    }
  }
}
