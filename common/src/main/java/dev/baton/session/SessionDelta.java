package dev.baton.session;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;
import dev.baton.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one write changed in a session: the (small) metadata in full with its stamps, plus only the
 * attributes it set and the removals it made, each with its {@link Stamp}. It is a part of a record,
 * and applies by {@linkplain SessionRecord#merge merging}: to the record it was made from, or to any
 * other replica of the session, whatever else that replica has merged meanwhile.
 *
 * <p>Layout after the header ({@link WireFormat#TYPE_SESSION_DELTA}): the metadata
 * ({@link SessionRecordCodec#writeMeta}), the attributes set as (name, stamp, bytes), the removals as
 * (name, stamp).
 *
 * @param part the new record's metadata and stamps, with only the changed attributes and removals
 */
public record SessionDelta(SessionRecord part) {

  /**
   * The change from {@code before} to {@code after}, both stamped ({@code after} by
   * {@link SessionRecord#stampChanges}): the attributes and removals whose stamps differ.
   */
  public static SessionDelta between(SessionRecord before, SessionRecord after) {
    SessionRecord part = after.copy();
    for (String name : after.attributeNames()) {
      byte[] old = before.attribute(name);
      if (old != null && before.stampOf(name).equals(after.stampOf(name))) {
        part.removeAttribute(name);
      }
    }
    for (Map.Entry<String, Stamp> d : after.removals().entrySet()) {
      if (d.getValue().equals(before.removals().get(d.getKey()))) {
        part.forgetRemoval(d.getKey());
      }
    }
    return new SessionDelta(part);
  }

  /** The attributes this change sets: name to bytes. */
  public Map<String, byte[]> set() {
    return part.attributes();
  }

  /** The attributes this change removes. */
  public List<String> removed() {
    return new ArrayList<>(part.removals().keySet());
  }

  /** {@code base} with this change merged in ({@code base} itself if it holds it already). */
  public SessionRecord applyTo(SessionRecord base) {
    return SessionRecord.merge(base, part);
  }

  public byte[] encode() {
    int size = 96 + part.removals().size() * 40;
    for (Map.Entry<String, byte[]> a : part.attributes().entrySet()) {
      size += a.getKey().length() * 3 + a.getValue().length + 24;
    }
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_DELTA, size);
    SessionRecordCodec.writeMeta(w, part);
    SessionRecordCodec.writeParts(w, part, part.attributeNames(), part.removals().keySet());
    return w.toByteArray();
  }

  /**
   * Decodes a change; the session id and creation time come from the record it is merged into.
   *
   * @throws MalformedMessageException if the bytes are not a well-formed change within the limits
   */
  public static SessionDelta decode(byte[] bytes, CodecLimits limits) throws MalformedMessageException {
    WireReader in = new WireReader(bytes);
    int type = in.readHeader();
    if (type != WireFormat.TYPE_SESSION_DELTA) {
      throw new MalformedMessageException("expected a session delta, got type " + type);
    }
    SessionRecord part = new SessionRecord("-", 0, 0);
    SessionRecordCodec.readMeta(in, part);
    SessionRecordCodec.readParts(in, part, limits);
    in.expectEnd();
    return new SessionDelta(part);
  }
}
