package dev.baton.session;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;
import dev.baton.wire.WireWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link SessionRecord} as the cache value both containers share. Layout after the header
 * ({@link WireFormat#TYPE_SESSION_RECORD}): id, created, the metadata ({@link #writeMeta}), then the
 * attributes as (name, stamp, bytes) and the removed attributes as (name, stamp). A stamp is the
 * version (8 bytes) and the node id (4 bytes). Decoding checks every bound in {@link CodecLimits}
 * and rejects trailing bytes. Thread-safe.
 */
public final class SessionRecordCodec {

  private static final int MAX_ROLES = 1024;

  private final CodecLimits limits;

  public SessionRecordCodec(CodecLimits limits) {
    this.limits = limits;
  }

  public byte[] encode(SessionRecord r) {
    int size = 160 + r.removals().size() * 40;
    for (Map.Entry<String, byte[]> a : r.attributes().entrySet()) {
      size += a.getKey().length() * 3 + a.getValue().length + 24;
    }
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_RECORD, size);
    w.writeString(r.id()).writeLong(r.createdMillis());
    writeMeta(w, r);
    writeParts(w, r, r.attributes().keySet(), r.removals().keySet());
    return w.toByteArray();
  }

  /**
   * Decodes a value made by {@link #encode}.
   *
   * @throws MalformedMessageException if the bytes are not a well-formed record within the limits
   */
  public SessionRecord decode(byte[] bytes) throws MalformedMessageException {
    WireReader in = new WireReader(bytes);
    int type = in.readHeader();
    if (type != WireFormat.TYPE_SESSION_RECORD) {
      throw new MalformedMessageException("expected a session record, got type " + type);
    }
    String id = in.readString(CodecLimits.MAX_NAME_BYTES, "session id");
    SessionRecord r = new SessionRecord(id, in.readLong(), 0);
    readMeta(in, r);
    readParts(in, r, limits);
    in.expectEnd();
    return r;
  }

  /** The attributes of {@code r} named in {@code set}, then its removals named in {@code removed}, with their stamps. */
  static void writeParts(WireWriter w, SessionRecord r, Collection<String> set,
      Collection<String> removed) {
    w.writeVarInt(set.size());
    for (String name : set) {
      w.writeString(name);
      writeStamp(w, r.stampOf(name));
      w.writeBytes(r.attribute(name));
    }
    w.writeVarInt(removed.size());
    for (String name : removed) {
      w.writeString(name);
      writeStamp(w, r.removals().get(name));
    }
  }

  /** Reads what {@link #writeParts} wrote into {@code r}. */
  static void readParts(WireReader in, SessionRecord r, CodecLimits limits) throws MalformedMessageException {
    int count = in.readLength(limits.maxAttributes(), "attribute count");
    for (int i = 0; i < count; i++) {
      String name = in.readString(CodecLimits.MAX_NAME_BYTES, "attribute name");
      Stamp stamp = readStamp(in);
      r.attribute(name, in.readBytes(limits.maxAttributeBytes(), "attribute '" + name + "'"), stamp);
    }
    int removedCount = in.readLength(limits.maxAttributes(), "removed attribute count");
    for (int i = 0; i < removedCount; i++) {
      r.removal(in.readString(CodecLimits.MAX_NAME_BYTES, "removed attribute name"), readStamp(in));
    }
  }

  private static void writeStamp(WireWriter w, Stamp s) {
    w.writeLong(s.version()).writeInt(s.origin());
  }

  private static Stamp readStamp(WireReader in) throws MalformedMessageException {
    return new Stamp(in.readLong(), in.readInt());
  }

  /**
   * The metadata block shared by records and deltas: accessed, lastAccessed, maxInactive and its
   * stamp, lastNode?, lastSaved and their stamp, auth? and its stamp, tls? and its stamp.
   */
  static void writeMeta(WireWriter w, SessionRecord r) {
    w.writeLong(r.accessedMillis())
        .writeLong(r.lastAccessedMillis())
        .writeInt(r.maxInactiveSeconds());
    writeStamp(w, r.timeoutStamp());
    w.writeNullableString(r.lastNode())
        .writeLong(r.lastSavedMillis());
    writeStamp(w, r.bookStamp());
    writeStamp(w, r.authStamp());
    writeStamp(w, r.tlsStamp());
    LoginRecord auth = r.auth();
    w.writeBoolean(auth != null);
    if (auth != null) {
      w.writeString(auth.name()).writeString(auth.authType()).writeVarInt(auth.roles().size());
      for (String role : auth.roles()) {
        w.writeString(role);
      }
    }
    TlsIdentity tls = r.tls();
    w.writeBoolean(tls != null);
    if (tls != null) {
      w.writeNullableString(tls.protocol())
          .writeNullableString(tls.cipherSuite())
          .writeNullableString(tls.peerPrincipal());
    }
  }

  /** Reads what {@link #writeMeta} wrote into {@code r}. */
  static void readMeta(WireReader in, SessionRecord r) throws MalformedMessageException {
    r.accessedMillis(in.readLong());
    r.lastAccessedMillis(in.readLong());
    r.maxInactiveSeconds(in.readInt());
    r.timeoutStamp(readStamp(in));
    r.lastNode(in.readNullableString(CodecLimits.MAX_NAME_BYTES, "last node"));
    r.lastSavedMillis(in.readLong());
    r.bookStamp(readStamp(in));
    r.authStamp(readStamp(in));
    r.tlsStamp(readStamp(in));
    if (in.readBoolean()) {
      String name = in.readString(CodecLimits.MAX_NAME_BYTES, "principal name");
      String authType = in.readString(CodecLimits.MAX_NAME_BYTES, "auth type");
      int roleCount = in.readLength(MAX_ROLES, "role count");
      List<String> roles = new ArrayList<>(Math.min(roleCount, in.remaining()));
      for (int i = 0; i < roleCount; i++) {
        roles.add(in.readString(CodecLimits.MAX_NAME_BYTES, "role"));
      }
      r.auth(new LoginRecord(name, authType, roles));
    }
    if (in.readBoolean()) {
      r.tls(new TlsIdentity(
          in.readNullableString(CodecLimits.MAX_NAME_BYTES, "TLS protocol"),
          in.readNullableString(CodecLimits.MAX_NAME_BYTES, "cipher suite"),
          in.readNullableString(CodecLimits.MAX_NAME_BYTES, "peer principal")));
    }
  }
}
