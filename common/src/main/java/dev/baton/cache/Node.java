package dev.baton.cache;

import dev.baton.state.StateEntry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One entry of the table and a link of its bucket chain. All fields but {@link #lastAccess} and
 * {@link #referenced} are final: a write replaces the node, so a reader that holds a node always
 * sees one consistent write, without a lock.
 */
final class Node implements StateEntry {

  /**
   * Estimated shallow size with compressed oops: 12 header + 5 longs + 4 refs/ints + 1 boolean,
   * rounded to 8.
   */
  static final int SHALLOW_BYTES = 72;

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
  final Node next;
  volatile long lastAccess;
  /**
   * CLOCK's reference bit, only read and written when the table is bounded: a hint, set by readers
   * without the lock and cleared by eviction under it; a lost update costs at most one extra pass
   * of the hand, so it needs no ordering.
   */
  boolean referenced;

  Node(long hash, byte[] key, byte[] value, long version, int origin, long created,
      long lastAccess, long maxIdle, Node next) {
    this.hash = hash;
    this.key = key;
    this.value = value;
    this.version = version;
    this.origin = origin;
    this.created = created;
    // Plain store: the node is published by the release store of its bucket, and a volatile store
    // here would cost a fence on every write.
    LAST_ACCESS.set(this, lastAccess);
    this.maxIdle = maxIdle;
    this.next = next;
    this.referenced = true;
  }

  /** The same entry with another successor, for rebuilding a chain prefix. */
  Node relink(Node newNext) {
    Node copy = new Node(hash, key, value, version, origin, created, lastAccess, maxIdle, newNext);
    copy.referenced = referenced;
    return copy;
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
