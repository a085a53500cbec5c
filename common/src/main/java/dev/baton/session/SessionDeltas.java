package dev.baton.session;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;

/**
 * How a {@link SessionDelta} applies to a stored {@link SessionRecord}, as the engine applies the
 * deltas of {@link dev.baton.state.StateKind#HTTP_SESSION} entries (registered by
 * {@link SessionStore}).
 */
final class SessionDeltas {

  private SessionDeltas() {}

  /**
   * The encoded record {@code delta} makes of {@code base}.
   *
   * @throws MalformedMessageException if the base or the delta is malformed
   */
  static byte[] apply(byte[] base, byte[] delta, CodecLimits limits) throws MalformedMessageException {
    SessionRecordCodec codec = new SessionRecordCodec(limits);
    return codec.encode(SessionDelta.decode(delta, limits).applyTo(codec.decode(base)));
  }
}
