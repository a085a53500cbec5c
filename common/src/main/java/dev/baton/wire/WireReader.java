package dev.baton.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields {@link WireWriter} writes, checking every length against its bound and against
 * what is left of the buffer <em>before</em> allocating, so a hostile length cannot make the reader
 * allocate more than the buffer it was given. Every failure is a {@link MalformedMessageException}.
 * Not thread-safe.
 */
public final class WireReader {

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] buf;
  private int pos;
  private final int end;

  public WireReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public WireReader(byte[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
  }

  /**
   * Reads and checks a message header and returns its type.
   *
   * @throws MalformedMessageException on a wrong magic or an unsupported format version
   */
  public int readHeader() throws MalformedMessageException {
    int magic = readShort();
    if (magic != WireFormat.MAGIC) {
      throw new MalformedMessageException(String.format("bad magic 0x%04x", magic));
    }
    int version = readByte();
    if (version != WireFormat.VERSION) {
      throw new MalformedMessageException("unsupported format version " + version
          + " (this node speaks " + WireFormat.VERSION + ")");
    }
    return readByte();
  }

  public int remaining() {
    return end - pos;
  }

  private void need(int n, String what) throws MalformedMessageException {
    if (end - pos < n) {
      throw new MalformedMessageException("truncated: " + what + " needs " + n + " bytes, " + (end - pos) + " left");
    }
  }

  public int readByte() throws MalformedMessageException {
    need(1, "byte");
    return buf[pos++] & 0xFF;
  }

  public boolean readBoolean() throws MalformedMessageException {
    int b = readByte();
    if (b > 1) {
      throw new MalformedMessageException("boolean field holds " + b);
    }
    return b == 1;
  }

  public int readShort() throws MalformedMessageException {
    need(2, "short");
    int v = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  public int readInt() throws MalformedMessageException {
    need(4, "int");
    int v = (int) INT.get(buf, pos);
    pos += 4;
    return v;
  }

  public long readLong() throws MalformedMessageException {
    need(8, "long");
    long v = (long) LONG.get(buf, pos);
    pos += 8;
    return v;
  }

  /** An unsigned LEB128 int of at most 5 bytes that fits in 31 bits. */
  public int readVarInt() throws MalformedMessageException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = readByte();
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (v < 0 || (shift == 28 && (b & 0x70) != 0)) {
          throw new MalformedMessageException("varint out of range");
        }
        return v;
      }
    }
    throw new MalformedMessageException("varint longer than 5 bytes");
  }

  /**
   * A count or length of at most {@code max}.
   *
   * @param what names the field in the error
   */
  public int readLength(int max, String what) throws MalformedMessageException {
    int n = readVarInt();
    if (n > max) {
      throw new MalformedMessageException(what + " is " + n + ", the limit is " + max);
    }
    return n;
  }

  /** A length-prefixed byte array of at most {@code max} bytes. */
  public byte[] readBytes(int max, String what) throws MalformedMessageException {
    int n = readLength(max, what);
    need(n, what);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** Skips {@code n} bytes, which must be there, and returns the offset of the first. */
  public int skip(int n, String what) throws MalformedMessageException {
    need(n, what);
    int at = pos;
    pos += n;
    return at;
  }

  /** Raw bytes whose length the caller knows. */
  public byte[] readRaw(int n, String what) throws MalformedMessageException {
    need(n, what);
    byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  public byte[] readNullableBytes(int max, String what) throws MalformedMessageException {
    return readBoolean() ? readBytes(max, what) : null;
  }

  /** A length-prefixed, strictly valid UTF-8 string of at most {@code maxBytes} bytes. */
  public String readString(int maxBytes, String what) throws MalformedMessageException {
    int n = readLength(maxBytes, what);
    need(n, what);
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, pos, n))
          .toString();
      pos += n;
      return s;
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException(what + " is not valid UTF-8", e);
    }
  }

  public String readNullableString(int maxBytes, String what) throws MalformedMessageException {
    return readBoolean() ? readString(maxBytes, what) : null;
  }

  /** Fails unless the whole buffer was consumed: trailing bytes mean a malformed message. */
  public void expectEnd() throws MalformedMessageException {
    if (pos != end) {
      throw new MalformedMessageException((end - pos) + " unexpected trailing bytes");
    }
  }
}
