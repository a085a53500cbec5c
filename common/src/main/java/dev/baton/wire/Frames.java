package dev.baton.wire;

import java.util.function.Consumer;

/**
 * Puts message bodies in frames and takes them out: {@code magic version type} then the body. In an
 * encrypted cluster every frame travels inside an {@link Envelope}, which seals the whole datagram
 * it is in, so a frame itself is never sealed.
 */
public final class Frames {

  private Frames() {}

  /**
   * An opened frame: its type and its body, {@code len} bytes of {@code buf} from {@code off}. The
   * bytes are the received message's: read them before the handler returns and keep no reference
   * to {@code buf}.
   */
  public record Opened(int type, byte[] buf, int off, int len) {
    /** The body as an array of its own. */
    public byte[] body() {
      return java.util.Arrays.copyOfRange(buf, off, off + len);
    }
  }

  /** A frame of {@code body}. */
  public static byte[] frame(int type, byte[] body) {
    return WireWriter.exactMessage(type, body.length).writeRaw(body, 0, body.length).buffer();
  }

  /**
   * A frame of the {@code bodySize} bytes that {@code body} writes, written straight into it.
   *
   * @throws IllegalStateException if {@code body} wrote another number of bytes
   */
  public static byte[] frame(int type, int bodySize, Consumer<WireWriter> body) {
    WireWriter w = WireWriter.exactMessage(type, bodySize);
    body.accept(w);
    if (w.size() != w.buffer().length) {
      throw new IllegalStateException("a body of " + bodySize + " bytes was announced, "
          + (w.size() - WireFormat.HEADER_BYTES) + " were written");
    }
    return w.buffer();
  }

  /**
   * Opens a frame received from another node.
   *
   * @throws MalformedMessageException if it is not a frame of this format version
   */
  public static Opened open(byte[] buf, int off, int len) throws MalformedMessageException {
    int type = new WireReader(buf, off, len).readHeader();
    return new Opened(type, buf, off + WireFormat.HEADER_BYTES, len - WireFormat.HEADER_BYTES);
  }
}
