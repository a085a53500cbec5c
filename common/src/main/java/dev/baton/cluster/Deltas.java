package dev.baton.cluster;

import dev.baton.codec.CodecLimits;
import dev.baton.codec.MalformedMessageException;
import dev.baton.codec.SessionDelta;
import dev.baton.codec.SessionRecordCodec;
import dev.baton.state.StateKind;

/** Applies a delta to a stored value, for the kinds of state that have deltas. */
final class Deltas {

  private Deltas() {}

  /**
   * The new value: {@code delta} applied to {@code base}; null if the key's kind has no deltas.
   *
   * @throws MalformedMessageException if the base or the delta is malformed
   */
  static byte[] apply(byte[] key, byte[] base, byte[] delta, CodecLimits limits) throws MalformedMessageException {
    if (key[0] != StateKind.HTTP_SESSION.code()) {
      return null;
    }
    SessionRecordCodec codec = new SessionRecordCodec(limits);
    return codec.encode(SessionDelta.decode(delta, limits).applyTo(codec.decode(base)));
  }
}
