package dev.baton.cache;

import dev.baton.hash.BuzHash;
import dev.baton.state.HybridClock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/** Settings of a {@link StateTable}; every one has a default. */
public final class StateTableBuilder {
  final BuzHash hash;
  int segments = 64;
  int initialCapacity = 1024;
  long maxBytes;
  Duration tombstoneTtl = Duration.ofMinutes(10);
  Duration tombstoneTtlNoTimeout = Duration.ofHours(24);
  LongSupplier clock = System::currentTimeMillis;
  HybridClock versions;
  int nodeId;
  RemovalListener listener;

  StateTableBuilder(BuzHash hash) {
    this.hash = Objects.requireNonNull(hash, "hash");
  }

  /** Number of lock stripes, a power of two (default 64). */
  public StateTableBuilder segments(int n) {
    if (n < 1 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("segments must be a power of two >= 1, got " + n);
    }
    this.segments = n;
    return this;
  }

  /** Expected number of entries, to size the slot arrays up front (default 1024). */
  public StateTableBuilder initialCapacity(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("initialCapacity must be >= 0, got " + n);
    }
    this.initialCapacity = n;
    return this;
  }

  /** Memory bound in bytes for a near-cache; 0 (the default) means unbounded. */
  public StateTableBuilder maxBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0 (0 = unbounded), got " + bytes);
    }
    this.maxBytes = bytes;
    return this;
  }

  /**
   * How long a tombstone is kept beyond the deleted entry's own max idle time (default 10
   * minutes): longer than a copy can stay in flight or a partitioned node can stay away and still
   * merge back. An expiry's tombstone is kept for this long alone.
   */
  public StateTableBuilder tombstoneTtl(Duration ttl) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("tombstoneTtl must not be negative, got " + ttl);
    }
    this.tombstoneTtl = ttl;
    return this;
  }

  /**
   * How long the delete of an entry without an idle timeout is remembered, before the tombstone
   * time-to-live (default 24 hours); a deleted entry with one is remembered for it.
   */
  public StateTableBuilder tombstoneTtlNoTimeout(Duration ttl) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("tombstoneTtlNoTimeout must not be negative, got " + ttl);
    }
    this.tombstoneTtlNoTimeout = ttl;
    return this;
  }

  /** Wall clock in epoch millis (default {@link System#currentTimeMillis()}). */
  public StateTableBuilder clock(LongSupplier millis) {
    this.clock = Objects.requireNonNull(millis, "clock");
    return this;
  }

  /**
   * The node's version clock (default: a new one on the wall clock). The table stamps a write with
   * {@link HybridClock#next(long)} of its own {@linkplain #clock clock}'s reading, which it has
   * read anyway for the write's time: one clock read per write, not two.
   */
  public StateTableBuilder versions(HybridClock versions) {
    this.versions = versions;
    return this;
  }

  /** This node's id, stamped as origin on local writes (default 0). */
  public StateTableBuilder nodeId(int id) {
    this.nodeId = id;
    return this;
  }

  /** Told about expired and evicted entries (default none). */
  public StateTableBuilder removalListener(RemovalListener l) {
    this.listener = l;
    return this;
  }

  public StateTable build() {
    return new StateTable(this);
  }
}
