package dev.baton.cache;

import dev.baton.hash.BuzHash;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The per-node state cache: a concurrent hash table of versioned entries keyed by {@code byte[]},
 * hashed with {@link BuzHash}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Reads</b> ({@link #get}, {@link #getEntry}) take no lock and allocate nothing. An entry
 *       that is idle past its max idle time, or deleted, is invisible at once.</li>
 *   <li><b>Local writes</b> ({@link #put}, {@link #remove}, {@link #compute}) get a fresh version from
 *       the node's {@link HybridClock}, newer than anything this node has written or applied.</li>
 *   <li><b>Copies from other nodes</b> ({@link #putIfNewer}) apply only if strictly newer than what
 *       the table holds (see {@link Versions}); a delete is kept as a <em>tombstone</em>, so a late
 *       or replayed older copy cannot bring the entry back.</li>
 *   <li><b>Expiry and tombstones</b>: {@link #sweep()} turns expired entries into tombstones
 *       (telling the {@link RemovalListener}) and reclaims tombstones older than the tombstone
 *       time-to-live.</li>
 *   <li><b>Memory bound</b>: when {@code maxBytes > 0}, a write that takes a segment over its share
 *       of the bound evicts entries by CLOCK (recently read entries survive a pass). With
 *       {@code maxBytes == 0} the table is unbounded, as an owner or repository must be.</li>
 *   <li><b>Values are not copied.</b> The table keeps the value arrays it is given and hands out its
 *       own; nobody may modify them afterwards. A new key is copied once, into the slot that keeps it
 *       for good, so the caller's key array is free again once the write returns.</li>
 * </ul>
 *
 * <p>Iteration ({@link #forEach(HashRange, Consumer)}) is by hash range so a node can stream its
 * portion of the key space; it is weakly consistent and sees tombstones too.
 *
 * <p>Longer than this project's classes usually are: it is the hot path of every read and of every
 * copy a node applies, and keeps its locking, expiry and eviction in one place where they can be
 * seen together (the slot arrays themselves are {@code Segment}'s; the builder is
 * {@link StateTableBuilder}).
 */
public final class StateTable {

  private static final System.Logger LOG = System.getLogger(StateTable.class.getName());

  private final BuzHash hash;
  private final Segment[] segments;
  private final int segmentShift;
  private final int segmentMask;
  private final long segmentByteLimit;
  private final long tombstoneTtlMillis;
  private final long tombstoneTtlNoTimeoutMillis;
  private final LongSupplier clock;
  private final HybridClock versions;
  private final int nodeId;
  private final RemovalListener listener;

  StateTable(StateTableBuilder b) {
    this.hash = b.hash;
    int n = b.segments;
    int bits = Integer.numberOfTrailingZeros(n);
    this.segments = new Segment[n];
    for (int i = 0; i < n; i++) {
      segments[i] = new Segment(Math.max(2, b.initialCapacity / n));
    }
    this.segmentShift = bits == 0 ? 0 : 64 - bits;
    this.segmentMask = n - 1;
    this.segmentByteLimit = b.maxBytes == 0 ? 0 : Math.max(1, b.maxBytes / n);
    this.tombstoneTtlMillis = b.tombstoneTtl.toMillis();
    this.tombstoneTtlNoTimeoutMillis = b.tombstoneTtlNoTimeout.toMillis();
    this.clock = b.clock;
    this.versions = b.versions != null ? b.versions : new HybridClock(b.clock);
    this.nodeId = b.nodeId;
    this.listener = b.listener;
  }

  /** Starts a builder; {@code hash} must be the cluster's (same seed on every node). */
  public static StateTableBuilder builder(BuzHash hash) {
    return new StateTableBuilder(hash);
  }

  /** The hash this table places keys with. */
  public BuzHash hash() {
    return hash;
  }

  /** This node's id, the origin of its local writes. */
  public int nodeId() {
    return nodeId;
  }

  private Segment segmentFor(long h) {
    return segments[(int) (h >>> segmentShift) & segmentMask];
  }

  /** The live value of {@code key}, or null if absent, expired or deleted. */
  public byte[] get(byte[] key) {
    Node n = live(key);
    return n == null ? null : n.value;
  }

  /** The live entry of {@code key}, or null if absent, expired or deleted. */
  public StateEntry getEntry(byte[] key) {
    return live(key);
  }

  /**
   * The entry the table holds for {@code key} whatever its state (live, expired or tombstone), or
   * null; what a node compares an incoming copy against.
   */
  public StateEntry getAnyEntry(byte[] key) {
    return getAnyEntry(key, hash.hash(key));
  }

  /** {@link #getAnyEntry(byte[])} for a caller that has the key's {@link #hashOf hash} already. */
  public StateEntry getAnyEntry(byte[] key, long keyHash) {
    return segmentFor(keyHash).find(keyHash, key);
  }

  private Node live(byte[] key) {
    long h = hash.hash(key);
    Node n = segmentFor(h).find(h, key);
    if (n == null || n.value == null) {
      return null;
    }
    // The clock is read only for entries that can expire: most reads skip it.
    if (n.maxIdle > 0 && clock.getAsLong() - n.lastAccess > n.maxIdle) {
      return null;
    }
    if (segmentByteLimit > 0 && !n.referenced) {
      n.referenced = true;
    }
    return n;
  }

  /**
   * Writes {@code value} with a new local version.
   *
   * @param maxIdleMillis idle time after which the entry expires; 0 for never
   * @return the entry written
   */
  public StateEntry put(byte[] key, byte[] value, long maxIdleMillis) {
    return put(key, hash.hash(key), value, maxIdleMillis);
  }

  /** {@link #put(byte[], byte[], long)} for a caller that has the key's {@link #hashOf hash} already. */
  public StateEntry put(byte[] key, long keyHash, byte[] value, long maxIdleMillis) {
    Objects.requireNonNull(value, "value (use remove to delete)");
    return write(key, keyHash, maxIdleMillis, current -> value, true);
  }

  /**
   * Atomically replaces the live value of {@code key} with {@code fn(current)} under a new local
   * version; {@code current} is null when the key is absent, expired or deleted. Returning the same
   * array as {@code current} leaves the entry as it is; returning null deletes it (a tombstone).
   * {@code fn} runs under a segment lock: it must be short and must not use this table.
   *
   * @return the entry now live for the key, the tombstone written, or null if there was nothing to
   *     delete
   */
  public StateEntry compute(byte[] key, long maxIdleMillis, UnaryOperator<byte[]> fn) {
    return compute(key, hash.hash(key), maxIdleMillis, fn);
  }

  /** {@link #compute(byte[], long, UnaryOperator)} for a caller that has the key's {@link #hashOf hash} already. */
  public StateEntry compute(byte[] key, long keyHash, long maxIdleMillis, UnaryOperator<byte[]> fn) {
    return write(key, keyHash, maxIdleMillis, fn, false);
  }

  /** @param always write a new version even if {@code fn} returns the current array */
  private StateEntry write(byte[] key, long h, long maxIdleMillis, UnaryOperator<byte[]> fn, boolean always) {
    Segment s = segmentFor(h);
    Node written;
    List<Node> evicted = null;
    s.lock();
    try {
      int slot = s.locate(h, key);
      Node old = s.nodeAt(slot);
      long now = clock.getAsLong();
      Node live = old != null && old.isLiveAt(now) ? old : null;
      byte[] current = live == null ? null : live.value;
      byte[] next = fn.apply(current);
      if (!always && live != null && next == current) {
        return live;
      }
      if (next == null && live == null) {
        return null;
      }
      long created = live != null ? live.created : now;
      written = s.write(slot, h, key, next, versions.next(now), nodeId, created, now,
          next == null ? 0 : maxIdleMillis);
      evicted = evictIfOver(s, written);
    } finally {
      s.unlock();
    }
    notifyRemoved(evicted, RemovalCause.EVICTED);
    return written;
  }

  /**
   * Deletes {@code key} with a new local version, leaving a tombstone even if the key was absent so
   * that an older copy still in flight cannot create it.
   *
   * @return the tombstone written (to be replicated)
   */
  public StateEntry remove(byte[] key) {
    return remove(key, hash.hash(key));
  }

  /** {@link #remove(byte[])} for a caller that has the key's {@link #hashOf hash} already. */
  public StateEntry remove(byte[] key, long h) {
    Segment s = segmentFor(h);
    s.lock();
    try {
      int slot = s.locate(h, key);
      Node old = s.nodeAt(slot);
      long now = clock.getAsLong();
      long created = old != null ? old.created : now;
      return s.write(slot, h, key, null, versions.next(now), nodeId, created, now, old != null ? old.maxIdle : 0);
    } finally {
      s.unlock();
    }
  }

  /**
   * Applies a copy of an entry made elsewhere if it {@linkplain Versions#supersedes supersedes} what
   * this table holds (live, expired or tombstone): in general, if it is strictly newer; a delete
   * wins over the writes of the incarnation it deleted. A copy whose value is null is a delete and
   * is kept as a tombstone.
   *
   * @return true if applied, false if this table already held the same or a newer write
   */
  public boolean putIfNewer(StateEntry copy) {
    return putIfNewer(copy, hash.hash(copy.key()));
  }

  /** {@link #putIfNewer(StateEntry)} for a caller that has the key's {@link #hashOf hash} already. */
  public boolean putIfNewer(StateEntry copy, long h) {
    versions.observe(copy.version());
    return putIfNewerObserved(copy, h);
  }

  /**
   * {@link #putIfNewer(StateEntry, long)} for a caller that has already made this table's
   * {@linkplain StateTableBuilder#versions version clock} {@linkplain HybridClock#observe observe}
   * {@code copy}'s version or a newer one, as a node does once for a whole message of copies: an
   * atomic update of the clock per copy would be a memory fence per copy.
   */
  public boolean putIfNewerObserved(StateEntry copy, long h) {
    byte[] key = copy.key();
    Segment s = segmentFor(h);
    List<Node> evicted = null;
    s.lock();
    try {
      int slot = s.locate(h, key);
      if (!Versions.supersedes(copy, s.nodeAt(slot))) {
        return false;
      }
      Node written = s.write(slot, h, key, copy.value(), copy.version(), copy.origin(),
          copy.createdMillis(), copy.lastAccessMillis(), copy.maxIdleMillis());
      evicted = evictIfOver(s, written);
    } finally {
      s.unlock();
    }
    notifyRemoved(evicted, RemovalCause.EVICTED);
    return true;
  }

  /** The entries evicted to bring a bounded table's segment back under its share, or null. Caller holds the lock. */
  private List<Node> evictIfOver(Segment s, Node written) {
    return segmentByteLimit > 0 && s.bytes() > segmentByteLimit ? evict(s, written) : null;
  }

  /** What {@link #putMerged} did. */
  public enum Merged {
    /** The entry changed: the merged value, or the copy itself where there was nothing to merge with. */
    APPLIED,
    /** Nothing changed: the table held all of the copy already, or something that supersedes it. */
    UNCHANGED,
    /** The copy is a change (not a whole value) and no live value of its incarnation is held to merge it into. */
    NO_BASE
  }

  /**
   * Applies a copy made elsewhere for a key whose writes merge: if this table holds a live value of
   * the same incarnation, the entry becomes {@code merge.apply(heldValue)} (the merger returns the
   * held array itself if the copy brings nothing new) under the newer of the two versions, keeping
   * the latest access; otherwise a whole copy ({@code whole}) is applied as by
   * {@link #putIfNewerObserved}, and a change is not. Deletes are never merged: they
   * {@linkplain Versions#supersedes supersede} their incarnation. {@code merge} runs under the
   * segment's lock. The caller has made the version clock observe the copy.
   */
  public Merged putMerged(StateEntry copy, long h, boolean whole, UnaryOperator<byte[]> merge) {
    byte[] key = copy.key();
    Segment s = segmentFor(h);
    List<Node> evicted = null;
    s.lock();
    try {
      int slot = s.locate(h, key);
      Node held = s.nodeAt(slot);
      long now = clock.getAsLong();
      boolean mergeable = held != null && held.isLiveAt(now) && copy.value() != null
          && held.created == copy.createdMillis();
      Node written;
      if (mergeable) {
        byte[] merged = merge.apply(held.value);
        if (merged == held.value) {
          return Merged.UNCHANGED;
        }
        StateEntry newer = Versions.isNewer(copy, held) ? copy : held;
        written = s.write(slot, h, key, merged, newer.version(), newer.origin(), held.created,
            Math.max(held.lastAccess, copy.lastAccessMillis()), newer.maxIdleMillis());
      } else if (!whole && copy.value() != null) {
        return Merged.NO_BASE;
      } else if (Versions.supersedes(copy, held)) {
        written = s.write(slot, h, key, copy.value(), copy.version(), copy.origin(),
            copy.createdMillis(), copy.lastAccessMillis(), copy.maxIdleMillis());
      } else {
        return Merged.UNCHANGED;
      }
      evicted = evictIfOver(s, written);
    } finally {
      s.unlock();
    }
    notifyRemoved(evicted, RemovalCause.EVICTED);
    return Merged.APPLIED;
  }

  /**
   * Drops the entry of {@code key} without leaving a tombstone, as when the entry moves to another
   * table of the same node; not a delete.
   *
   * @param expected drop only if the table still holds this write (same version and origin); null
   *     to drop whatever is held
   * @return true if an entry was dropped
   */
  public boolean discard(byte[] key, StateEntry expected) {
    return discard(key, hash.hash(key), expected);
  }

  /** {@link #discard(byte[], StateEntry)} for a caller that has the key's {@link #hashOf hash} already. */
  public boolean discard(byte[] key, long h, StateEntry expected) {
    Segment s = segmentFor(h);
    if (s.find(h, key) == null) {
      return false; // the usual case (a key held in the other table), answered without the lock
    }
    s.lock();
    try {
      int slot = s.locate(h, key);
      Node old = s.nodeAt(slot);
      if (old == null || (expected != null
          && (old.version != expected.version() || old.origin != expected.origin()))) {
        return false;
      }
      s.unlink(slot);
      return true;
    } finally {
      s.unlock();
    }
  }

  /** Marks a live entry as accessed now; returns false if there is no live entry. */
  public boolean touch(byte[] key) {
    return touch(key, clock.getAsLong());
  }

  /**
   * Moves the last access of a live entry forward to {@code atMillis} (never back), as when another
   * node reports an access. Touches are not versioned writes.
   *
   * @return false if there is no live entry
   */
  public boolean touch(byte[] key, long atMillis) {
    Node n = live(key);
    if (n == null) {
      return false;
    }
    n.touch(atMillis);
    return true;
  }

  /**
   * Turns entries idle past their max idle time into tombstones (telling the listener with
   * {@link RemovalCause#EXPIRED}) and reclaims tombstones older than the tombstone time-to-live.
   * Segments are swept one at a time, so the rest of the table keeps serving.
   *
   * @return the number of entries expired plus tombstones reclaimed
   */
  public int sweep() {
    int done = 0;
    List<Node> changed = new ArrayList<>();
    List<Node> expired = new ArrayList<>();
    for (Segment s : segments) {
      long now = clock.getAsLong();
      s.lock();
      try {
        s.rewriteAll(n -> {
          if (n.value == null) {
            return now - n.lastAccess > tombstoneLifetime(n) ? null : n;
          }
          if (n.isLiveAt(now)) {
            return n;
          }
          // Same version, so equal or older copies are still refused; the time of the expiry is now.
          // Not a delete: a write of the entry made elsewhere meanwhile may still come in.
          return new Node(n.hash, n.key, null, n.version, n.origin, StateEntry.NO_INCARNATION, now, 0);
        }, changed);
      } finally {
        s.unlock();
      }
      done += changed.size();
      for (Node n : changed) {
        if (n.value != null) {
          expired.add(n);
        }
      }
      changed.clear();
    }
    notifyRemoved(expired, RemovalCause.EXPIRED);
    return done;
  }

  /**
   * How long a tombstone is kept after its time: a delete as long as the entry it deleted could
   * have lived idle (its max idle time, or {@code tombstoneTtlNoTimeout} if it had none) plus the
   * tombstone time-to-live, so no copy of it that may still come in outlives its delete; an expiry's
   * tombstone for the time-to-live alone.
   */
  private long tombstoneLifetime(Node n) {
    if (n.created == StateEntry.NO_INCARNATION) {
      return tombstoneTtlMillis;
    }
    return (n.maxIdle > 0 ? n.maxIdle : tombstoneTtlNoTimeoutMillis) + tombstoneTtlMillis;
  }

  /**
   * Calls {@code action} for every entry (live, expired or tombstone) whose key hash is in
   * {@code range}, without locking; weakly consistent. Only the segments that can hold such hashes
   * are walked.
   */
  public void forEach(HashRange range, Consumer<? super StateEntry> action) {
    if (range.wraps()) {
      forEachUnwrapped(range.from(), -1L, action);
      forEachUnwrapped(0L, range.to(), action);
    } else {
      forEachUnwrapped(range.from(), range.to(), action);
    }
  }

  private void forEachUnwrapped(long from, long to, Consumer<? super StateEntry> action) {
    int first = (int) (from >>> segmentShift) & segmentMask;
    int last = (int) (to >>> segmentShift) & segmentMask;
    for (int i = first; i <= last; i++) {
      segments[i].forEach(n -> {
        if (Long.compareUnsigned(n.hash, from) >= 0 && Long.compareUnsigned(n.hash, to) <= 0) {
          action.accept(n);
        }
      });
    }
  }

  /**
   * The key hash this table uses, so callers can place a key without a second hash function, and
   * pass it to the methods that take one (tables built with the same {@link BuzHash} agree on it).
   * A hash that is not this one for the key misplaces the entry.
   */
  public long hashOf(byte[] key) {
    return hash.hash(key);
  }

  /** Entries held, including tombstones and expired entries not yet swept. */
  public long size() {
    long total = 0;
    for (Segment s : segments) {
      total += s.count();
    }
    return total;
  }

  /**
   * Estimated heap bytes held by entries: node objects, their share of the slot arrays, and key
   * and value arrays (compressed-oops layout).
   */
  public long bytes() {
    long total = 0;
    for (Segment s : segments) {
      total += s.bytes();
    }
    return total;
  }

  private List<Node> evict(Segment s, Node keep) {
    List<Node> out = new ArrayList<>(1);
    while (s.bytes() > segmentByteLimit) {
      Node victim = s.evictOne(keep);
      if (victim == null) {
        break;
      }
      out.add(victim);
    }
    return out;
  }

  private void notifyRemoved(List<Node> nodes, RemovalCause cause) {
    if (nodes == null || listener == null) {
      return;
    }
    for (Node n : nodes) {
      try {
        listener.onRemoval(n, cause);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "removal listener failed for a " + cause + " entry", e);
      }
    }
  }
}
