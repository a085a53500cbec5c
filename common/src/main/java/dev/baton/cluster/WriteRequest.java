package dev.baton.cluster;

import dev.baton.state.StateEntry;
import java.util.Objects;

/**
 * One write for {@link ClusterNode#write}: a new value (whole, or sent as a change against a base)
 * or a delete. Immutable; the arrays are the caller's and must not change afterwards.
 *
 * @param key the entry's key ({@link dev.baton.state.StateKey#toBytes()})
 * @param value the new value; null for a delete
 * @param maxIdleMillis idle time after which the entry expires; 0 for never
 * @param base the entry this node returned earlier that {@code value} was made from, or null: for
 *     a kind with a {@link Merger}, a write whose base is no longer what this node holds is merged
 *     with what arrived since, and a write whose base was deleted meanwhile is dropped (the delete
 *     wins); it is also what a delta is made against
 * @param delta for a change: what receivers merge into their copy (see
 *     {@link ClusterNode#registerMerger}); else null
 * @param mode the write mode; null for the node's {@code writeMode}
 */
public record WriteRequest(byte[] key, byte[] value, long maxIdleMillis, StateEntry base, byte[] delta,
    WriteMode mode) {

  public WriteRequest {
    Objects.requireNonNull(key, "key");
    if (delta != null && base == null) {
      throw new IllegalArgumentException("a delta needs the base it was made from");
    }
    if (value == null && base != null) {
      throw new IllegalArgumentException("a delete has no delta");
    }
  }

  /** Writes {@code value} under a new version. */
  public static WriteRequest put(byte[] key, byte[] value, long maxIdleMillis) {
    return new WriteRequest(key, Objects.requireNonNull(value, "value (use remove to delete)"), maxIdleMillis,
        null, null, null);
  }

  /** Deletes the key: a tombstone, so that an older copy still in flight cannot bring it back. */
  public static WriteRequest remove(byte[] key) {
    return new WriteRequest(key, null, 0, null, null, null);
  }

  /** This write, made from {@code base} (see the record's comment). */
  public WriteRequest base(StateEntry base) {
    return new WriteRequest(key, value, maxIdleMillis, base, delta, mode);
  }

  /**
   * This write, replicated as {@code delta} against {@code base}. If this node no longer holds
   * {@code base} itself (another write came in between), the whole (merged) value is replicated; a
   * receiver merges the delta into its copy, and fetches the whole value from this node when its
   * copy is not {@code base} (it may have missed a write) or it has none.
   */
  public WriteRequest delta(StateEntry base, byte[] delta) {
    return new WriteRequest(key, value, maxIdleMillis, base, delta, mode);
  }

  /** This write in {@code mode}. */
  public WriteRequest mode(WriteMode mode) {
    return new WriteRequest(key, value, maxIdleMillis, base, delta, mode);
  }
}
