package dev.baton.cluster;

import dev.baton.wire.ClusterMessages;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireReader;
import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jgroups.BytesMessage;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.MessageFactory;
import org.jgroups.ObjectMessage;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.blocks.RequestCorrelator;
import org.jgroups.protocols.Frag3Header;
import org.jgroups.protocols.FragHeader;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ObjectWrapperSerializable;
import org.jgroups.util.SizeStreamable;

/**
 * The JGroups message a node sends its frames in: a {@link BytesMessage} of the frame, except how
 * it is read. A plaintext frame of writes is read into the writes it carries straight from the
 * buffer JGroups received it in, each value into an array of its own: a {@code BytesMessage} would
 * first copy the whole payload (up to a full batch) into a new array, and the writes would be read
 * from there. Anything else is kept as bytes, as a {@code BytesMessage} keeps them, for
 * {@link dev.baton.wire.Frames#open} to open and judge: a frame of anything but writes, a reply
 * (JGroups makes replies of their request's type, and the requester takes the reply's bytes), a
 * fragment of a large message (FRAG2 and its kin put it together from the bytes), and a frame that
 * does not read as writes (then the handler reads it again, and rejects and counts it).
 *
 * <p>In an encrypted cluster the datagram was opened by the transport before this reads it
 * ({@link SealedTransport}), so frames are plaintext here in every cluster. Writes are read with
 * {@link CodecLimits#DEFAULT}: the node whose limits apply is not known yet; the handler checks them
 * against its own.
 */
final class FrameMessage extends BytesMessage {

  /** This message's type in JGroups' {@link MessageFactory}: "Ba". */
  static final short TYPE = 0x4261;

  private static boolean registered;

  private List<ClusterMessages.Incoming> writes;

  /**
   * Makes JGroups read every message of {@link #TYPE} as a {@code FrameMessage}: once per JVM, before
   * a channel that may receive one connects.
   *
   * @throws IllegalStateException if the type is taken, as by a second copy of Baton in another
   *     class loader over the same JGroups
   */
  static synchronized void register() {
    if (registered) {
      return;
    }
    NoObjectMessages.install();
    try {
      MessageFactory.register(TYPE, FrameMessage::new);
    } catch (IllegalArgumentException taken) {
      throw new IllegalStateException("JGroups message type " + TYPE + " is taken: is another copy of Baton, in"
          + " another class loader, using the same JGroups classes? Install Baton once per JVM, in the"
          + " container's own lib directory beside JGroups (docs/install-tomcat.md, docs/install-jetty.md)",
          taken);
    }
    registered = true;
  }

  /** What JGroups creates to read a received message into. */
  FrameMessage() {}

  /** A multicast of {@code frame}. */
  FrameMessage(byte[] frame) {
    super(null, frame);
  }

  @Override
  public short getType() {
    return TYPE;
  }

  @Override
  public Supplier<Message> create() {
    return FrameMessage::new;
  }

  /** The writes of a plaintext frame read as it arrived, in order; null if it was kept as bytes ({@link #getArray()}). */
  List<ClusterMessages.Incoming> writes() {
    return writes;
  }

  @Override
  public void readPayload(DataInput in) throws IOException {
    int len = in.readInt();
    if (len < 0) {
      return; // sent without a payload
    }
    length = len;
    if (in instanceof ByteArrayDataInputStream b) {
      int pos = b.position();
      if (len > b.limit() - pos) {
        throw new EOFException("payload of " + len + " bytes, " + (b.limit() - pos) + " left");
      }
      if (!readWrites(b.buffer(), pos, len)) {
        array = Arrays.copyOfRange(b.buffer(), pos, pos + len);
      }
      b.position(pos + len);
    } else {
      byte[] frame = new byte[len];
      in.readFully(frame);
      if (!readWrites(frame, 0, len)) {
        array = frame;
      }
    }
  }

  /** Reads the frame's writes if it is a whole plaintext frame of writes in a request; returns whether it was. */
  private boolean readWrites(byte[] buf, int off, int len) {
    boolean request = false;
    for (Header h : headers != null ? headers : new Header[0]) {
      if (h instanceof FragHeader || h instanceof Frag3Header) {
        return false;
      }
      request |= h instanceof RequestCorrelator.Header rh && rh.type == RequestCorrelator.Header.REQ;
    }
    if (!request) {
      return false;
    }
    try {
      int type = new WireReader(buf, off, len).readHeader();
      if (!ClusterMessages.carriesWrites(type)) {
        return false;
      }
      writes = ClusterMessages.readWrites(type, buf, off + WireFormat.HEADER_BYTES, len - WireFormat.HEADER_BYTES,
          CodecLimits.DEFAULT);
      return true;
    } catch (MalformedMessageException unread) {
      return false; // read again, and judged, by the handler
    }
  }

  /**
   * The payload as bytes, never deserialized: JGroups takes a reply's payload this way, and a reply
   * whose sender marked it serialized (an exception a handler threw, or a forgery) counts as no
   * reply at all.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T getObject(ClassLoader loader) {
    return array == null || isFlagSet(Flag.SERIALIZED) ? null : (T) getBytes();
  }

  /**
   * JGroups' object message carries one of JGroups' own streamable types (its retransmission
   * requests and stability digests use it), or an object it serialized: its payload then names any
   * class, instantiated by name, or wraps a Java-serialized object read with a plain
   * {@code ObjectInputStream}. Baton never sends those two, so none is read: its type makes a
   * message that reads the registered JGroups types only and refuses the rest before any of it is
   * parsed; the transport drops the message.
   */
  private static final class NoObjectMessages extends MessageFactory {
    static void install() {
      creators[Message.OBJ_MSG] = StreamablesOnly::new;
    }
  }

  private static final class StreamablesOnly extends ObjectMessage {
    private static final short SERIALIZED = ClassConfigurator.getMagicNumber(ObjectWrapperSerializable.class);

    @Override
    public void readPayload(DataInput in) throws IOException, ClassNotFoundException {
      if (in.readByte() == 0) {
        return; // no payload
      }
      short magic = in.readShort();
      if (magic == -1 || magic == SERIALIZED) {
        throw new IOException("a JGroups object message with a " + (magic == -1 ? "class named" : "Java-serialized")
            + " payload is refused");
      }
      SizeStreamable payload = ClassConfigurator.create(magic);
      payload.readFrom(in);
      obj = payload;
    }
  }

  @Override
  protected Message copyPayload(Message copy) {
    super.copyPayload(copy);
    FrameMessage f = (FrameMessage) copy;
    f.writes = writes;
    f.length = length;
    return copy;
  }
}
