package dev.baton.cache;

import dev.baton.state.StateEntry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One write of an entry of the table, as its segment's slot holds it. All fields but
 * {@link #lastAccess} and {@link #referenced} are final: a write replaces the node, so a reader that
 * holds a node always sees one consistent write, without a lock.
 */
final class Node implements StateEntry {

  /**
   * Estimated heap charged to a node besides its arrays, with compressed oops: the node (12 header
   * + 5 longs + 2 refs + 1 int + 1 boolean, rounded to 8: 72) and its slot's share of the
   * segment's arrays (24 bytes of metadata and 2 refs, at the usual load of a little over half: 56).
   */
  static final int SHALLOW_BYTES = 128;

  private static final VarHandle LAST_ACCESS;

  static {
    try {
      LAST_ACCESS = MethodHandles.lookup().findVarHandle(Node.class, "lastAccess", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final long hash;
  final byte[] key;
  final byte[] value;
  final long version;
  final int origin;
  final long created;
  final long maxIdle;
  volatile long lastAccess;
  /**
   * CLOCK's reference bit, only read and written when the table is bounded: a hint, set by readers
   * without the lock and cleared by eviction under it; a lost update costs at most one extra pass
   * of the hand, so it needs no ordering.
   */
  boolean referenced;

  Node(long hash, byte[] key, byte[] value, long version, int origin, long created,
      long lastAccess, long maxIdle) {
    this.hash = hash;
    this.key = key;
    this.value = value;
    this.version = version;
    this.origin = origin;
    this.created = created;
    // Plain store: the node is published by the release store of its slot, and a volatile store
    // here would cost a fence on every write.
    LAST_ACCESS.set(this, lastAccess);
    this.maxIdle = maxIdle;
    this.referenced = true;
  }

  /** Moves the last access forward to {@code at}, never back. */
  void touch(long at) {
    long cur;
    do {
      cur = lastAccess;
      if (cur >= at) {
        return;
      }
    } while (!LAST_ACCESS.compareAndSet(this, cur, at));
  }

  /** Heap bytes charged to this entry: the node and its two arrays. */
  long weight() {
    return SHALLOW_BYTES + arrayBytes(key) + arrayBytes(value);
  }

  static long arrayBytes(byte[] a) {
    return a == null ? 0 : (16 + a.length + 7) & ~7L;
  }

  @Override public byte[] key() { return key; }
  @Override public byte[] value() { return value; }
  @Override public long version() { return version; }
  @Override public int origin() { return origin; }
  @Override public long createdMillis() { return created; }
  @Override public long lastAccessMillis() { return lastAccess; }
  @Override public long maxIdleMillis() { return maxIdle; }

  @Override
  public String toString() {
    // Never the value: it may hold credentials or payment data.
    return "StateEntry[keyBytes=" + key.length + ", version=" + version + ", origin=" + origin
        + (value == null ? ", tombstone" : ", valueBytes=" + value.length) + "]";
  }
}
