package dev.baton.codec;

/**
 * Constants of the wire format. Every message, and every value stored in the cache, starts with
 * {@code magic(2) version(1) type(1)}; a reader rejects any other magic or version.
 */
public final class WireFormat {

  /** First two bytes of every message and stored value. */
  public static final int MAGIC = 0xBA70;
  /** Format version this build writes and reads. */
  public static final int VERSION = 1;
  /** Bytes of the header. */
  public static final int HEADER_BYTES = 4;

  /** A compressed value: original length, then a raw deflate stream of the original message. */
  public static final int TYPE_COMPRESSED = 0x01;
  /** Type of an encoded {@link dev.baton.state.SessionRecord}. */
  public static final int TYPE_SESSION_RECORD = 0x10;
  /** Type of an encoded {@link SessionDelta}. */
  public static final int TYPE_SESSION_DELTA = 0x11;
  /** Type of an encoded {@link dev.baton.tls.TicketKeyRing}. */
  public static final int TYPE_TICKET_KEY_RING = 0x20;

  private WireFormat() {}
}
