package dev.baton.cluster;

import dev.baton.wire.Envelope;
import java.io.DataInput;
import java.io.IOException;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.protocols.TCP;

/**
 * JGroups' TCP transport with every frame in an {@link Envelope}: a frame is bounded before it is
 * read ({@link #MAX_FRAME}: a declared length above it closes the connection), and one that does not
 * open is dropped and counted before JGroups reads its first byte. Named by class in the channel
 * {@link ChannelFactory} builds for an encrypted cluster on the tcp stack.
 */
public class SealedTcp extends TCP implements SealedTransport {

  /** The largest frame read: above a full batch or a fragment of a large write, with room to spare. */
  static final int MAX_FRAME = 256 * 1024;

  private final ThreadLocal<byte[][]> buffers = ThreadLocal.withInitial(() -> new byte[2][MAX_FRAME]);
  private volatile Envelope envelope;
  private volatile BiConsumer<Envelope.RejectedException, Object> refused = (e, from) -> { };

  @Override
  public void seal(Envelope envelope, BiConsumer<Envelope.RejectedException, Object> refused) {
    this.envelope = envelope;
    this.refused = refused;
  }

  @Override
  public void start() throws Exception {
    // This transport bounds frames itself (receive), and counts what it refuses; JGroups' own check
    // of max_length would refuse them first, uncounted.
    setMaxLength(0);
    super.start();
  }

  @Override
  public void send(Address dest, byte[] data, int offset, int length) throws Exception {
    Envelope e = Objects.requireNonNull(envelope, "the channel was connected before its envelope was set");
    super.send(dest, e.seal(data, offset, length), 0, Envelope.sealedLength(length));
  }

  @Override
  public void receive(Address sender, DataInput in, int length) throws Exception {
    if (length < 0 || length > MAX_FRAME) {
      // Not read: a stranger's declared length must not size an allocation. The connection closes.
      refused.accept(new Envelope.RejectedException(Envelope.Rejection.MALFORMED,
          "a frame declared " + length + " bytes long"), sender);
      throw new IOException("frame of " + length + " bytes refused (at most " + MAX_FRAME + ")");
    }
    Envelope e = envelope;
    byte[][] b = buffers.get();
    in.readFully(b[0], 0, length);
    if (e == null) {
      return;
    }
    int n;
    try {
      n = e.open(b[0], 0, length, b[1], 0);
    } catch (Envelope.RejectedException ex) {
      refused.accept(ex, sender);
      return;
    }
    super.receive(sender, b[1], 0, n);
  }
}
