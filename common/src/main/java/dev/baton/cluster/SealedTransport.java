package dev.baton.cluster;

import dev.baton.wire.Envelope;
import java.util.function.BiConsumer;

/**
 * A JGroups transport of Baton's that seals every datagram or frame it sends in an {@link Envelope}
 * and opens every one it receives before JGroups parses a byte of it: what a node of an encrypted
 * cluster runs on ({@link SealedUdp}, {@link SealedTcp}; {@link ChannelFactory} puts them in place of
 * the stack's {@code UDP} or {@code TCP}).
 */
interface SealedTransport {

  /**
   * The envelope to seal and open with, and who is told of each unit refused; set before the
   * channel connects.
   */
  void seal(Envelope envelope, BiConsumer<Envelope.RejectedException, Object> refused);
}
