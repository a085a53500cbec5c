package dev.baton.session;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;

/**
 * How the engine merges {@link dev.baton.state.StateKind#HTTP_SESSION} entries (registered by
 * {@link SessionStore}): a held record with an incoming record or {@link SessionDelta}, part by part
 * ({@link SessionRecord#merge}).
 */
final class SessionMerge {

  private SessionMerge() {}

  /**
   * The encoded merge of {@code held} and {@code incoming}; {@code held} itself if nothing in
   * {@code incoming} is newer.
   *
   * @throws MalformedMessageException if either is malformed
   */
  static byte[] merge(byte[] held, byte[] incoming, CodecLimits limits) throws MalformedMessageException {
    SessionRecordCodec codec = new SessionRecordCodec(limits);
    SessionRecord base = codec.decode(held);
    SessionRecord in = new WireReader(incoming).readHeader() == WireFormat.TYPE_SESSION_DELTA
        ? SessionDelta.decode(incoming, limits).part() : codec.decode(incoming);
    SessionRecord merged = SessionRecord.merge(base, in);
    return merged == base ? held : codec.encode(merged);
  }
}
