package dev.baton.cluster;

import java.util.concurrent.atomic.AtomicReference;
import org.jgroups.Message;
import org.jgroups.protocols.NoBundler;
import org.jgroups.util.ByteArrayDataOutputStream;

/**
 * JGroups' {@code no-bundler} (each message sent on the caller's thread: Baton batches its writes
 * itself), writing each message into a buffer it keeps instead of a new one per message. A full
 * batch of writes is a 62 KB message, and a new buffer of that size per message is memory the JVM
 * must zero and then write cold. Named by the bundled stacks as {@code bundler_type}.
 *
 * <p>Thread-safe: a sender takes the kept buffer unless another sender holds it, in which case it
 * makes its own; whichever sender finishes keeps its buffer, unless it grew past
 * {@link #MAX_KEPT_BYTES} for one large message.
 */
public final class ReusingBundler extends NoBundler {

  /** The largest buffer kept between messages: above a full batch, below a large single write's. */
  static final int MAX_KEPT_BYTES = 128 * 1024;

  private final AtomicReference<ByteArrayDataOutputStream> kept = new AtomicReference<>();

  @Override
  public void send(Message msg) throws Exception {
    ByteArrayDataOutputStream out = kept.getAndSet(null);
    if (out == null) {
      out = new ByteArrayDataOutputStream(msg.size() + 128, true);
    } else {
      out.position(0);
    }
    sendSingle(msg.dest(), msg, out);
    if (out.buffer().length <= MAX_KEPT_BYTES) {
      kept.set(out);
    }
  }
}
