package dev.baton.wire;

/**
 * Constants of the wire format. Every message, and every value stored in the cache, starts with
 * {@code magic(2) version(1) type(1)}; a reader rejects any other magic or version.
 *
 * <p>Type codes are unique across both families, so a value can never be mistaken for a message:
 * stored values use {@code 0x10-0x1F} (here), messages between nodes {@code 0x20-0x2F}
 * ({@link ClusterMessages}).
 */
public final class WireFormat {

  /** First two bytes of every message and stored value. */
  public static final int MAGIC = 0xBA70;
  /** Format version this build writes and reads. */
  public static final int VERSION = 1;
  /** Bytes of the header. */
  public static final int HEADER_BYTES = 4;

  /** Type of an encoded session record ({@code dev.baton.session.SessionRecordCodec}). */
  public static final int TYPE_SESSION_RECORD = 0x10;
  /** Type of an encoded session delta ({@code dev.baton.session.SessionDelta}). */
  public static final int TYPE_SESSION_DELTA = 0x11;
  /** Type of an encoded TLS ticket-key ring ({@code dev.baton.tls.TicketKeyRing}). */
  public static final int TYPE_TICKET_KEY_RING = 0x12;

  private WireFormat() {}
}
