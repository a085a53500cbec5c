package dev.baton.wire;

import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;
import dev.baton.wire.WireWriter;
import java.util.function.Consumer;

/**
 * Puts message bodies in frames and takes them out: {@code magic version type} then the body, sealed
 * ({@link Sealer}, type with bit 0x80 set) unless the operator turned encryption off. A node that
 * seals refuses plain frames, and the other way round, so a misconfigured node is noticed rather
 * than half-trusted.
 */
public final class Frames implements AutoCloseable {

  /** The bit of a header's type that says the body is sealed. */
  public static final int SEALED = 0x80;

  /**
   * Largest body opened into the receiving thread's reused buffer; a larger one (state transfer, a
   * big session alone) gets an array of its own. Above a full batch, so writes never allocate one.
   */
  static final int REUSED_BODY_BYTES = 64 * 1024;

  /**
   * Where a receiving thread opens sealed bodies: grown to the largest body it opened (a power of
   * two), so a thread that only opens small replies keeps a small buffer. A body is read (its keys
   * and values copied out) before its handler returns, so the next message on that thread may
   * overwrite it.
   */
  private static final ThreadLocal<byte[]> OPENED = ThreadLocal.withInitial(() -> new byte[256]);

  private final Sealer sealer;

  private Frames(Sealer sealer) {
    this.sealer = sealer;
  }

  /** Frames sealed with keys derived from {@code sealMaster} ({@link KeyMaterial#sealMaster()}). */
  public static Frames sealed(byte[] sealMaster) {
    return new Frames(new Sealer(sealMaster));
  }

  /** Plaintext frames, for a cluster whose operator turned encryption off. */
  public static Frames plaintext() {
    return new Frames(null);
  }

  /** Whether this node seals its frames. */
  public boolean seals() {
    return sealer != null;
  }

  /**
   * An opened frame: its type and its body, {@code len} bytes of {@code buf} from {@code off}. The
   * bytes are the received message's or the receiving thread's reused buffer: read them before the
   * handler returns and keep no reference to {@code buf}.
   */
  public record Opened(int type, byte[] buf, int off, int len) {
    /** The body as an array of its own. */
    public byte[] body() {
      return java.util.Arrays.copyOfRange(buf, off, off + len);
    }
  }

  public byte[] frame(int type, byte[] body) {
    return frame(type, body, body.length);
  }

  /** A frame of the first {@code len} bytes of {@code body}; {@code body} may be reused afterwards. */
  public byte[] frame(int type, byte[] body, int len) {
    if (sealer == null) {
      return WireWriter.exactMessage(type, len).writeRaw(body, 0, len).buffer();
    }
    return sealer.seal(WireWriter.exactMessage(type | SEALED, 0).buffer(), body, len);
  }

  /**
   * A frame of the {@code bodySize} bytes that {@code body} writes. In plaintext they are written
   * straight into the frame; sealed, into {@code scratch} (reset first), which the caller may reuse
   * afterwards, and sealed from there.
   *
   * @throws IllegalStateException if {@code body} wrote another number of bytes
   */
  public byte[] frame(int type, int bodySize, WireWriter scratch, Consumer<WireWriter> body) {
    WireWriter w = sealer == null ? WireWriter.exactMessage(type, bodySize) : scratch.reset();
    int start = w.size();
    body.accept(w);
    if (w.size() - start != bodySize || (sealer == null && w.buffer().length != w.size())) {
      throw new IllegalStateException("a body of " + bodySize + " bytes was announced, " + (w.size() - start)
          + " were written");
    }
    return sealer == null ? w.buffer() : frame(type, w.buffer(), bodySize);
  }

  /**
   * Accepts a frame, opened or read elsewhere ({@link FrameMessage}), if this node runs as it was
   * sent: a node that seals refuses plain frames, and the other way round.
   *
   * @throws MalformedMessageException if the frame was sent otherwise
   */
  public void expectSealed(boolean sealed) throws MalformedMessageException {
    if (sealed != (sealer != null)) {
      throw new MalformedMessageException(sealed
          ? "sealed message, but this node runs with encryption=none"
          : "plaintext message, but this cluster is encrypted (is a node running with encryption=none?)");
    }
  }

  /**
   * Opens a frame received from another node.
   *
   * @throws MalformedMessageException if it is not a frame, or was sent sealed to a plaintext node
   *     or the other way round
   * @throws SealException if a sealed frame does not authenticate
   */
  public Opened open(byte[] buf, int off, int len) throws MalformedMessageException, SealException {
    int type = new WireReader(buf, off, len).readHeader();
    boolean sealed = (type & SEALED) != 0;
    expectSealed(sealed);
    if (!sealed) {
      return new Opened(type, buf, off + WireFormat.HEADER_BYTES, len - WireFormat.HEADER_BYTES);
    }
    int bodyLength = Sealer.bodyLength(len);
    if (bodyLength > REUSED_BODY_BYTES) {
      return new Opened(type & ~SEALED, sealer.open(buf, off, len), 0, bodyLength);
    }
    byte[] body = OPENED.get();
    if (body.length < bodyLength) {
      body = new byte[Integer.highestOneBit(bodyLength - 1) << 1];
      OPENED.set(body);
    }
    sealer.open(buf, off, len, body);
    return new Opened(type & ~SEALED, body, 0, bodyLength);
  }

  /** Releases the sealer's pooled ciphers. */
  @Override
  public void close() {
    if (sealer != null) {
      sealer.close();
    }
  }
}
