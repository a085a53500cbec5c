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
 * Encodes a {@link SessionRecord} as the cache value both containers share. Layout after the header
 * ({@link WireFormat#TYPE_SESSION_RECORD}): id, created, accessed, lastAccessed, maxInactive,
 * lastNode?, lastSaved, auth?, tls?, then the attributes as (name, bytes) pairs. Decoding checks
 * every bound in {@link CodecLimits} and rejects trailing bytes. Thread-safe.
 */
public final class SessionRecordCodec {

  private static final int MAX_ROLES = 1024;

  private final CodecLimits limits;

  public SessionRecordCodec(CodecLimits limits) {
    this.limits = limits;
  }

  public byte[] encode(SessionRecord r) {
    int size = 128;
    for (Map.Entry<String, byte[]> a : r.attributes().entrySet()) {
      size += a.getKey().length() * 3 + a.getValue().length + 10;
    }
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_RECORD, size);
    w.writeString(r.id()).writeLong(r.createdMillis());
    writeMeta(w, r);
    w.writeVarInt(r.attributes().size());
    for (Map.Entry<String, byte[]> a : r.attributes().entrySet()) {
      w.writeString(a.getKey()).writeBytes(a.getValue());
    }
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
    int count = in.readLength(limits.maxAttributes(), "attribute count");
    for (int i = 0; i < count; i++) {
      String name = in.readString(CodecLimits.MAX_NAME_BYTES, "attribute name");
      r.attribute(name, in.readBytes(limits.maxAttributeBytes(), "attribute '" + name + "'"));
    }
    in.expectEnd();
    return r;
  }

  /**
   * The metadata block shared by records and deltas: accessed, lastAccessed, maxInactive,
   * lastNode?, lastSaved, auth?, tls?.
   */
  static void writeMeta(WireWriter w, SessionRecord r) {
    w.writeLong(r.accessedMillis())
        .writeLong(r.lastAccessedMillis())
        .writeInt(r.maxInactiveSeconds())
        .writeNullableString(r.lastNode())
        .writeLong(r.lastSavedMillis());
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
    r.lastNode(in.readNullableString(CodecLimits.MAX_NAME_BYTES, "last node"));
    r.lastSavedMillis(in.readLong());
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
