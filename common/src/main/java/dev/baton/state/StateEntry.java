package dev.baton.state;

/**
 * A read-only view of one versioned entry of the state cache.
 *
 * <p>Everything but {@link #lastAccessMillis()} is immutable for a given instance: a write replaces
 * the entry with a new one. The arrays returned by {@link #key()} and {@link #value()} are the
 * cache's own: callers must not modify them.
 */
public interface StateEntry {

  /**
   * The creation time of the tombstone an expiry leaves: it belongs to no incarnation, so it does
   * not refuse a later write of the entry it expired as a delete's tombstone does (see
   * {@link Versions#supersedes}).
   */
  long NO_INCARNATION = Long.MIN_VALUE;

  /** The key bytes (see {@link StateKey#toBytes()}). */
  byte[] key();

  /** The value bytes, or {@code null} if this entry is a tombstone. */
  byte[] value();

  /** The write's hybrid-logical-clock version; see {@link Versions}. */
  long version();

  /** The numeric id of the node that made this write; breaks ties between equal versions. */
  int origin();

  /**
   * When the entry was first created (epoch millis), kept across updates of the same key: it names
   * the incarnation a write or a delete belongs to.
   */
  long createdMillis();

  /** The last access (epoch millis); for a tombstone, the time of the delete. */
  long lastAccessMillis();

  /**
   * Maximum idle time in millis after which the entry expires; 0 means never. A delete's tombstone
   * keeps the deleted entry's, which sets how long it is remembered.
   */
  long maxIdleMillis();

  /** True if this entry records a delete. */
  default boolean isTombstone() {
    return value() == null;
  }

  /**
   * True if the entry has not expired at {@code nowMillis}. Tombstones are never live.
   *
   * @param nowMillis the current time in epoch millis
   */
  default boolean isLiveAt(long nowMillis) {
    if (isTombstone()) {
      return false;
    }
    long idle = maxIdleMillis();
    return idle <= 0 || nowMillis - lastAccessMillis() <= idle;
  }
}
