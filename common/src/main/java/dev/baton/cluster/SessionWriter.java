package dev.baton.cluster;

import dev.baton.codec.MalformedMessageException;
import dev.baton.codec.SessionDelta;
import dev.baton.codec.SessionRecordCodec;
import dev.baton.state.SessionRecord;
import dev.baton.state.StateEntry;

/**
 * How both adapters replicate a session: as a change from the entry this node last wrote or loaded
 * for it (its <em>base</em>). Only the access time moved: a touch. Otherwise the new record, sent
 * as a {@link SessionDelta} against the base when there is one and the delta is at most half the
 * record, else whole. The adapters keep the
 * base entry only, not its decoded record: that would be a second copy of the attribute bytes the
 * cache already holds; {@link #recordOf} decodes it when a write needs it.
 */
public final class SessionWriter {

  private final ClusterNode node;
  private final SessionRecordCodec codec;

  public SessionWriter(ClusterNode node, SessionRecordCodec codec) {
    this.node = node;
    this.codec = codec;
  }

  /** The record of a base entry; null, so that a whole record is written, if it is unreadable. */
  public SessionRecord recordOf(StateEntry base) {
    if (base == null || base.isTombstone()) {
      return null;
    }
    try {
      return codec.decode(base.value());
    } catch (MalformedMessageException e) {
      return null;
    }
  }

  /**
   * Replicates {@code after}, made from {@code before} (the record of {@code base}, or null for a
   * session this node has not written or loaded yet).
   *
   * @return the started write, or null if only the access time moved and the cache entry was
   *     touched instead
   */
  public ClusterNode.Write write(byte[] key, StateEntry base, SessionRecord before, SessionRecord after,
      long maxIdleMillis) {
    if (before != null && after.sameExceptAccess(before) && node.touch(key)) {
      return null;
    }
    byte[] value = codec.encode(after);
    WriteMode mode = node.settings().writeMode();
    SessionDelta delta = before == null ? null : SessionDelta.between(before, after);
    // A delta costs every receiver a decode, an apply and a re-encode, and a fetch of the whole
    // record when it is not on the delta's base: worth it only when its attributes are at most half
    // the record (judged before encoding it).
    return delta != null && changedBytes(delta) * 2 <= value.length
        ? node.startDelta(key, base, value, delta.encode(), maxIdleMillis, mode)
        : node.startDelta(key, null, value, null, maxIdleMillis, mode);
  }

  private static long changedBytes(SessionDelta delta) {
    long n = 0;
    for (byte[] v : delta.set().values()) {
      n += v.length;
    }
    return n;
  }
}
