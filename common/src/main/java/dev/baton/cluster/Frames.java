package dev.baton.cluster;

import dev.baton.codec.MalformedMessageException;
import dev.baton.codec.WireFormat;
import dev.baton.codec.WireReader;

/**
 * Puts message bodies in frames and takes them out: {@code magic version type} then the body, sealed
 * ({@link Sealer}, type with bit 0x80 set) unless the operator turned encryption off. A node that
 * seals refuses plain frames, and the other way round, so a misconfigured node is noticed rather
 * than half-trusted.
 */
final class Frames {

  static final int SEALED = 0x80;

  private final Sealer sealer;

  /** @param sealer null for plaintext */
  Frames(Sealer sealer) {
    this.sealer = sealer;
  }

  record Opened(int type, byte[] body) {}

  byte[] frame(int type, byte[] body) {
    if (sealer == null) {
      byte[] out = new byte[WireFormat.HEADER_BYTES + body.length];
      header(out, type);
      System.arraycopy(body, 0, out, WireFormat.HEADER_BYTES, body.length);
      return out;
    }
    byte[] header = new byte[WireFormat.HEADER_BYTES];
    header(header, type | SEALED);
    return sealer.seal(header, body);
  }

  private static void header(byte[] out, int type) {
    out[0] = (byte) (WireFormat.MAGIC >>> 8);
    out[1] = (byte) WireFormat.MAGIC;
    out[2] = (byte) WireFormat.VERSION;
    out[3] = (byte) type;
  }

  Opened open(byte[] buf, int off, int len) throws MalformedMessageException, SealException {
    int type = new WireReader(buf, off, len).readHeader();
    boolean sealed = (type & SEALED) != 0;
    if (sealed != (sealer != null)) {
      throw new MalformedMessageException(sealed
          ? "sealed message, but this node runs with encryption=none"
          : "plaintext message, but this cluster is encrypted (is a node running with encryption=none?)");
    }
    if (!sealed) {
      return new Opened(type, java.util.Arrays.copyOfRange(buf, off + WireFormat.HEADER_BYTES, off + len));
    }
    return new Opened(type & ~SEALED, sealer.open(buf, off, len));
  }
}
