package dev.baton.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes the primitive fields of the wire format into a growing array. Not thread-safe. */
public final class WireWriter {

  // One store per field, not a shift and store per byte: a batch writes six of these per entry.
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf;
  private int pos;

  public WireWriter(int initialCapacity) {
    this(new byte[Math.max(16, initialCapacity)]);
  }

  private WireWriter(byte[] buf) {
    this.buf = buf;
  }

  /** Starts a message: magic, format version and type (see {@link WireFormat}). */
  public static WireWriter message(int type, int sizeHint) {
    return new WireWriter(sizeHint + WireFormat.HEADER_BYTES).writeHeader(type);
  }

  /**
   * Starts a message whose body will be exactly {@code bodySize} bytes: once they are written,
   * {@link #buffer()} is the whole message, and the caller need not copy it out.
   */
  public static WireWriter exactMessage(int type, int bodySize) {
    return new WireWriter(new byte[WireFormat.HEADER_BYTES + bodySize]).writeHeader(type);
  }

  private WireWriter writeHeader(int type) {
    return writeShort(WireFormat.MAGIC).writeByte(WireFormat.VERSION).writeByte(type);
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  public WireWriter writeByte(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter writeBoolean(boolean v) {
    return writeByte(v ? 1 : 0);
  }

  public WireWriter writeShort(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter writeInt(int v) {
    ensure(4);
    INT.set(buf, pos, v);
    pos += 4;
    return this;
  }

  public WireWriter writeLong(long v) {
    ensure(8);
    LONG.set(buf, pos, v);
    pos += 8;
    return this;
  }

  /** Unsigned LEB128, 1 to 5 bytes; {@code v} must not be negative. */
  public WireWriter writeVarInt(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("varint must not be negative: " + v);
    }
    ensure(varIntSize(v)); // exactly: a writer of an exact message must not grow
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
    return this;
  }

  /** The bytes {@link #writeVarInt} takes for {@code v}. */
  public static int varIntSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }

  /** A length-prefixed byte array. */
  public WireWriter writeBytes(byte[] b) {
    return writeBytes(b, 0, b.length);
  }

  public WireWriter writeBytes(byte[] b, int off, int len) {
    writeVarInt(len);
    return writeRaw(b, off, len);
  }

  /** Bytes without a length, for fields whose length is known from elsewhere. */
  public WireWriter writeRaw(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
    return this;
  }

  /** A nullable byte array: a presence flag, then the length-prefixed bytes. */
  public WireWriter writeNullableBytes(byte[] b) {
    writeBoolean(b != null);
    return b == null ? this : writeBytes(b);
  }

  /** A UTF-8 string, length-prefixed. */
  public WireWriter writeString(String s) {
    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A nullable UTF-8 string: a presence flag, then the string. */
  public WireWriter writeNullableString(String s) {
    writeBoolean(s != null);
    return s == null ? this : writeString(s);
  }

  public int size() {
    return pos;
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  public WireWriter reset() {
    pos = 0;
    return this;
  }

  /** The buffer written into: its first {@link #size()} bytes are what was written. Not a copy. */
  public byte[] buffer() {
    return buf;
  }

  /** A copy of what was written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }
}
