package dev.baton.session;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;
import dev.baton.wire.WireWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed in a session between two versions: the (small) metadata in full, plus only the
 * attributes set or removed. Applied to the base it was made from, it gives the new record.
 *
 * <p>Layout after the header ({@link WireFormat#TYPE_SESSION_DELTA}): accessed, lastAccessed,
 * maxInactive, lastNode?, lastSaved, auth?, tls?, set count, (name, bytes)*, removed count, name*.
 *
 * @param after metadata of the new record (its attributes are not encoded)
 * @param set attributes set to new bytes
 * @param removed attribute names removed
 */
public record SessionDelta(SessionRecord after, Map<String, byte[]> set, List<String> removed) {

  /** The delta from {@code before} to {@code after}; attributes are compared by their bytes. */
  public static SessionDelta between(SessionRecord before, SessionRecord after) {
    Map<String, byte[]> set = new LinkedHashMap<>();
    after.attributes().forEach((name, bytes) -> {
      byte[] old = before.attribute(name);
      if (old == null || (old != bytes && !Arrays.equals(old, bytes))) {
        set.put(name, bytes);
      }
    });
    List<String> removed = new ArrayList<>();
    for (String name : before.attributeNames()) {
      if (after.attribute(name) == null) {
        removed.add(name);
      }
    }
    return new SessionDelta(after, set, removed);
  }

  /** The new record: {@code base} with this delta's metadata and attribute changes. */
  public SessionRecord applyTo(SessionRecord base) {
    SessionRecord r = new SessionRecord(base.id(), base.createdMillis(), after.maxInactiveSeconds());
    base.attributes().forEach(r::attribute);
    r.accessedMillis(after.accessedMillis());
    r.lastAccessedMillis(after.lastAccessedMillis());
    r.lastNode(after.lastNode());
    r.lastSavedMillis(after.lastSavedMillis());
    r.auth(after.auth());
    r.tls(after.tls());
    removed.forEach(r::removeAttribute);
    set.forEach(r::attribute);
    return r;
  }

  public byte[] encode() {
    int size = 64;
    for (Map.Entry<String, byte[]> a : set.entrySet()) {
      size += a.getKey().length() * 3 + a.getValue().length + 10;
    }
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_DELTA, size);
    SessionRecordCodec.writeMeta(w, after);
    w.writeVarInt(set.size());
    set.forEach((name, bytes) -> w.writeString(name).writeBytes(bytes));
    w.writeVarInt(removed.size());
    removed.forEach(w::writeString);
    return w.toByteArray();
  }

  /**
   * Decodes a delta; the session id and creation time come from the base it is applied to.
   *
   * @throws MalformedMessageException if the bytes are not a well-formed delta within the limits
   */
  public static SessionDelta decode(byte[] bytes, CodecLimits limits) throws MalformedMessageException {
    WireReader in = new WireReader(bytes);
    int type = in.readHeader();
    if (type != WireFormat.TYPE_SESSION_DELTA) {
      throw new MalformedMessageException("expected a session delta, got type " + type);
    }
    SessionRecord after = new SessionRecord("-", 0, 0);
    SessionRecordCodec.readMeta(in, after);
    int setCount = in.readLength(limits.maxAttributes(), "changed attribute count");
    Map<String, byte[]> set = new LinkedHashMap<>();
    for (int i = 0; i < setCount; i++) {
      String name = in.readString(CodecLimits.MAX_NAME_BYTES, "attribute name");
      set.put(name, in.readBytes(limits.maxAttributeBytes(), "attribute '" + name + "'"));
    }
    int removedCount = in.readLength(limits.maxAttributes(), "removed attribute count");
    List<String> removed = new ArrayList<>();
    for (int i = 0; i < removedCount; i++) {
      removed.add(in.readString(CodecLimits.MAX_NAME_BYTES, "removed attribute name"));
    }
    in.expectEnd();
    return new SessionDelta(after, set, removed);
  }
}
