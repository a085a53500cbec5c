package dev.baton.cluster;

import dev.baton.wire.Envelope;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.protocols.UDP;

/**
 * JGroups' UDP transport with every datagram in an {@link Envelope}: a datagram that does not open
 * (a stranger's, a forged, replayed or stale one) is dropped and counted before JGroups reads its
 * first byte. Named by class in the channel {@link ChannelFactory} builds for an encrypted cluster.
 */
public class SealedUdp extends UDP implements SealedTransport {

  /** A datagram is at most this long: both the sealing and the opening buffer are kept at this size. */
  private static final int MAX_DATAGRAM = 65_535;

  private final AtomicReference<byte[]> keptOut = new AtomicReference<>();
  private final ThreadLocal<byte[]> opened = ThreadLocal.withInitial(() -> new byte[MAX_DATAGRAM]);
  private volatile Envelope envelope;
  private volatile BiConsumer<Envelope.RejectedException, Object> refused = (e, from) -> { };

  @Override
  public void seal(Envelope envelope, BiConsumer<Envelope.RejectedException, Object> refused) {
    this.envelope = envelope;
    this.refused = refused;
  }

  @Override
  protected void _send(InetAddress dest, int port, byte[] data, int offset, int length) throws Exception {
    Envelope e = Objects.requireNonNull(envelope, "the channel was connected before its envelope was set");
    // The datagram is sent before this returns, so one kept buffer serves the senders in turn.
    byte[] out = keptOut.getAndSet(null);
    int need = Envelope.sealedLength(length);
    if (out == null || out.length < need) {
      out = new byte[Math.max(need, 2048)];
    }
    int n = e.seal(data, offset, length, out, 0);
    try {
      super._send(dest, port, out, 0, n);
    } finally {
      if (out.length <= MAX_DATAGRAM) {
        keptOut.set(out);
      }
    }
  }

  @Override
  public void receive(Address sender, byte[] data, int offset, int length) {
    if (data == null || Objects.equals(local_physical_addr, sender)) {
      return; // a multicast of our own, looped back: JGroups drops it too
    }
    Envelope e = envelope;
    if (e == null) {
      return;
    }
    byte[] plain = opened.get();
    int n;
    try {
      n = e.open(data, offset, length, plain, 0);
    } catch (Envelope.RejectedException ex) {
      refused.accept(ex, sender);
      return;
    }
    // JGroups copies what it keeps of a message out of this buffer before it returns.
    super.receive(sender, plain, 0, n);
  }
}
