package dev.baton.wire;

import dev.baton.state.EntryCopy;
import dev.baton.state.StateEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Bodies of the messages nodes exchange. Each body travels in a frame ({@link Frames}) behind a header whose
 * type is one of the {@code TYPE_*} constants here.
 *
 * <ul>
 *   <li>{@link #TYPE_ENTRIES}: {@code purpose(1) viewId(8) count(varint)} then per entry {@code key
 *       value? version(8) origin(4) created(8) lastAccess(8) maxIdle(8)}; writes, rebalancing pushes
 *       and pull replies;</li>
 *   <li>{@link #TYPE_TOUCHES}: {@code count} then {@code key atMillis(8)}: access times;</li>
 *   <li>{@link #TYPE_PULL}: {@code key}: a request for the newest copy of one entry;</li>
 *   <li>{@link #TYPE_REBALANCE_DONE}: {@code viewId(8)}: a member finished pushing to a joiner;</li>
 *   <li>{@link #TYPE_DELTA}: {@code viewId(8) key baseVersion(8) baseOrigin(4) version(8) origin(4)
 *       created(8) lastAccess(8) maxIdle(8) delta}: a write sent as its change against a base
 *       version.</li>
 *   <li>{@link #TYPE_EXCLUDE}: {@code viewId(8) name}: to the coordinator, a member that stopped
 *       acknowledging this sender's sync writes, to be removed from the view;</li>
 *   <li>{@link #TYPE_BATCH}: {@code count(varint)} then per part {@code type(1) body}: writes that
 *       queued up on the sender, in the order they were made; a part is a {@link #TYPE_ENTRIES} or
 *       a {@link #TYPE_DELTA} body.</li>
 * </ul>
 */
public final class ClusterMessages {

  public static final int TYPE_ENTRIES = 0x20;
  public static final int TYPE_TOUCHES = 0x21;
  public static final int TYPE_PULL = 0x22;
  public static final int TYPE_REBALANCE_DONE = 0x23;
  public static final int TYPE_DELTA = 0x24;
  public static final int TYPE_BATCH = 0x25;
  public static final int TYPE_EXCLUDE = 0x26;

  /** A write made by the sender. */
  public static final int PURPOSE_WRITE = 1;
  /** Entries pushed to a member that became their owner. */
  public static final int PURPOSE_REBALANCE = 2;
  /** The answer to a pull. */
  public static final int PURPOSE_PULL_REPLY = 3;

  /** Longest key: a scope of 64 KiB plus an id. */
  public static final int MAX_KEY_BYTES = 70_000;
  /** Most entries or touches in one message. */
  public static final int MAX_COUNT = 100_000;

  private ClusterMessages() {}

  /** A decoded write: a {@link #TYPE_ENTRIES} or a {@link #TYPE_DELTA} body. */
  public sealed interface Incoming permits Entries, Delta {}

  /** Decoded {@link #TYPE_ENTRIES} body. */
  public record Entries(int purpose, long viewId, List<EntryCopy> entries) implements Incoming {}

  /** One access time. */
  public record Touch(byte[] key, long atMillis) {}

  public static byte[] entries(int purpose, long viewId, List<? extends StateEntry> entries) {
    int size = 16;
    for (StateEntry e : entries) {
      size += e.key().length + (e.value() == null ? 0 : e.value().length) + 48;
    }
    WireWriter w = new WireWriter(size);
    w.writeByte(purpose).writeLong(viewId).writeVarInt(entries.size());
    for (StateEntry e : entries) {
      writeEntry(w, e);
    }
    return w.toByteArray();
  }

  private static void writeEntry(WireWriter w, StateEntry e) {
    w.writeBytes(e.key()).writeNullableBytes(e.value()).writeLong(e.version()).writeInt(e.origin())
        .writeLong(e.createdMillis()).writeLong(e.lastAccessMillis()).writeLong(e.maxIdleMillis());
  }

  public static Entries readEntries(byte[] body, CodecLimits limits) throws MalformedMessageException {
    return readEntries(body, 0, body.length, limits);
  }

  /** Reads an entries body that is {@code len} bytes of {@code buf} from {@code off}. */
  public static Entries readEntries(byte[] buf, int off, int len, CodecLimits limits) throws MalformedMessageException {
    WireReader in = new WireReader(buf, off, len);
    int purpose = in.readByte();
    if (purpose < PURPOSE_WRITE || purpose > PURPOSE_PULL_REPLY) {
      throw new MalformedMessageException("unknown entries purpose " + purpose);
    }
    long viewId = in.readLong();
    int count = in.readLength(MAX_COUNT, "entry count");
    List<EntryCopy> out = new ArrayList<>(Math.min(count, in.remaining() / 40 + 1));
    for (int i = 0; i < count; i++) {
      byte[] key = in.readBytes(MAX_KEY_BYTES, "entry key");
      if (key.length == 0) {
        throw new MalformedMessageException("empty entry key");
      }
      byte[] value = in.readNullableBytes(limits.maxValueBytes(), "entry value");
      out.add(readMeta(in, key, value));
    }
    in.expectEnd();
    return new Entries(purpose, viewId, out);
  }

  public static byte[] touches(List<Touch> touches) {
    WireWriter w = new WireWriter(touches.size() * 48 + 8);
    w.writeVarInt(touches.size());
    for (Touch t : touches) {
      w.writeBytes(t.key()).writeLong(t.atMillis());
    }
    return w.toByteArray();
  }

  public static List<Touch> readTouches(byte[] body) throws MalformedMessageException {
    WireReader in = new WireReader(body);
    int count = in.readLength(MAX_COUNT, "touch count");
    List<Touch> out = new ArrayList<>(Math.min(count, in.remaining() / 9 + 1));
    for (int i = 0; i < count; i++) {
      out.add(new Touch(in.readBytes(MAX_KEY_BYTES, "touch key"), in.readLong()));
    }
    in.expectEnd();
    return out;
  }

  public static byte[] pull(byte[] key) {
    return new WireWriter(key.length + 5).writeBytes(key).toByteArray();
  }

  public static byte[] readPull(byte[] body) throws MalformedMessageException {
    WireReader in = new WireReader(body);
    byte[] key = in.readBytes(MAX_KEY_BYTES, "pull key");
    in.expectEnd();
    return key;
  }

  public static byte[] rebalanceDone(long viewId) {
    return new WireWriter(8).writeLong(viewId).toByteArray();
  }

  public static byte[] exclude(long viewId, String memberName) {
    return new WireWriter(16 + memberName.length() * 3).writeLong(viewId).writeString(memberName).toByteArray();
  }

  /** A decoded {@link #TYPE_EXCLUDE} body. */
  public record Exclude(long viewId, String memberName) {}

  public static Exclude readExclude(byte[] body) throws MalformedMessageException {
    WireReader in = new WireReader(body);
    Exclude e = new Exclude(in.readLong(), in.readString(CodecLimits.MAX_NAME_BYTES, "member name"));
    in.expectEnd();
    return e;
  }

  public static long readRebalanceDone(byte[] body) throws MalformedMessageException {
    WireReader in = new WireReader(body);
    long v = in.readLong();
    in.expectEnd();
    return v;
  }

  /**
   * Decoded {@link #TYPE_DELTA} body.
   *
   * @param written the new entry's metadata; its value is null (the receiver builds it)
   */
  public record Delta(long viewId, long baseVersion, int baseOrigin, EntryCopy written, byte[] delta)
      implements Incoming {}

  public static byte[] delta(long viewId, StateEntry base, StateEntry written, byte[] delta) {
    WireWriter w = new WireWriter(written.key().length + delta.length + 80);
    w.writeLong(viewId).writeBytes(written.key()).writeLong(base.version()).writeInt(base.origin())
        .writeLong(written.version()).writeInt(written.origin()).writeLong(written.createdMillis())
        .writeLong(written.lastAccessMillis()).writeLong(written.maxIdleMillis()).writeBytes(delta);
    return w.toByteArray();
  }

  public static Delta readDelta(byte[] body, CodecLimits limits) throws MalformedMessageException {
    return readDelta(body, 0, body.length, limits);
  }

  /** Reads a delta body that is {@code len} bytes of {@code buf} from {@code off}. */
  public static Delta readDelta(byte[] buf, int off, int len, CodecLimits limits) throws MalformedMessageException {
    WireReader in = new WireReader(buf, off, len);
    long viewId = in.readLong();
    byte[] key = in.readBytes(MAX_KEY_BYTES, "delta key");
    long baseVersion = in.readLong();
    int baseOrigin = in.readInt();
    EntryCopy written = readMeta(in, key, null);
    byte[] delta = in.readBytes(limits.maxValueBytes(), "delta");
    in.expectEnd();
    return new Delta(viewId, baseVersion, baseOrigin, written, delta);
  }

  /**
   * A write to put in a message, not yet written out: its message type, the exact size of its body
   * and how to write that body. Lets a sender write a batch of writes straight into one buffer.
   */
  public sealed interface Outgoing permits Part, EntryWrite {
    int type();

    /** The exact number of bytes {@link #writeTo} writes. */
    int size();

    void writeTo(WireWriter w);
  }

  /** One write of a {@link #TYPE_BATCH}: its message type and body, {@code len} bytes of {@code buf} from {@code off}. */
  public record Part(int type, byte[] buf, int off, int len) implements Outgoing {
    public Part(int type, byte[] body) {
      this(type, body, 0, body.length);
    }

    @Override
    public int size() {
      return len;
    }

    @Override
    public void writeTo(WireWriter w) {
      w.writeRaw(buf, off, len);
    }
  }

  /**
   * A {@link #TYPE_ENTRIES} body of one entry, written when it is sent: the same bytes as
   * {@link #entries}. Its size is worked out once, on the writing thread, which has the entry's
   * arrays at hand; the sender asks for it several times.
   */
  public static final class EntryWrite implements Outgoing {
    private final int purpose;
    private final long viewId;
    private final StateEntry entry;
    private final int size;

    public EntryWrite(int purpose, long viewId, StateEntry entry) {
      this.purpose = purpose;
      this.viewId = viewId;
      this.entry = entry;
      byte[] key = entry.key();
      byte[] value = entry.value();
      // purpose viewId count key presence [value] version origin created lastAccess maxIdle
      this.size = 1 + 8 + 1 + WireWriter.varIntSize(key.length) + key.length + 1
          + (value == null ? 0 : WireWriter.varIntSize(value.length) + value.length) + 8 + 4 + 8 + 8 + 8;
    }

    public int purpose() {
      return purpose;
    }

    public long viewId() {
      return viewId;
    }

    public StateEntry entry() {
      return entry;
    }

    @Override
    public int type() {
      return TYPE_ENTRIES;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void writeTo(WireWriter w) {
      w.writeByte(purpose).writeLong(viewId).writeVarInt(1);
      writeEntry(w, entry);
    }
  }

  /** The exact number of bytes {@link #writeBatch} writes for {@code parts}. */
  public static int batchSize(List<? extends Outgoing> parts) {
    int size = WireWriter.varIntSize(parts.size());
    for (Outgoing p : parts) {
      size += 1 + WireWriter.varIntSize(p.size()) + p.size();
    }
    return size;
  }

  /** Writes a {@link #TYPE_BATCH} body of {@code parts}. */
  public static void writeBatch(WireWriter w, List<? extends Outgoing> parts) {
    w.writeVarInt(parts.size());
    for (Outgoing p : parts) {
      w.writeByte(p.type()).writeVarInt(p.size());
      p.writeTo(w);
    }
  }

  /**
   * The parts of a batch; each is a {@link #TYPE_ENTRIES} or {@link #TYPE_DELTA} body, not yet read,
   * and not copied: its bytes are those of {@code body}.
   */
  /** Reads a batch body that is {@code len} bytes of {@code buf} from {@code off}; its parts are views of {@code buf}. */
  public static List<Part> readBatch(byte[] buf, int off, int len) throws MalformedMessageException {
    WireReader in = new WireReader(buf, off, len);
    int count = in.readLength(MAX_COUNT, "batch size");
    List<Part> out = new ArrayList<>(Math.min(count, in.remaining() / 2 + 1));
    for (int i = 0; i < count; i++) {
      int type = in.readByte();
      if (type != TYPE_ENTRIES && type != TYPE_DELTA) {
        throw new MalformedMessageException("message type " + type + " inside a batch");
      }
      int partLen = in.readLength(len, "batch part");
      out.add(new Part(type, buf, in.skip(partLen, "batch part"), partLen));
    }
    in.expectEnd();
    return out;
  }

  /** Whether a message of {@code type} carries writes, which {@link #readWrites} reads. */
  public static boolean carriesWrites(int type) {
    return type == TYPE_ENTRIES || type == TYPE_DELTA || type == TYPE_BATCH;
  }

  /**
   * Reads the writes of a {@link #TYPE_ENTRIES}, {@link #TYPE_DELTA} or {@link #TYPE_BATCH} body that
   * is {@code len} bytes of {@code buf} from {@code off}, in the order they were made. A batch is
   * read whole before this returns: a malformed part fails it all, so nothing of it is applied.
   */
  public static List<Incoming> readWrites(int type, byte[] buf, int off, int len, CodecLimits limits)
      throws MalformedMessageException {
    switch (type) {
      case TYPE_ENTRIES:
        return List.of(readEntries(buf, off, len, limits));
      case TYPE_DELTA:
        return List.of(readDelta(buf, off, len, limits));
      case TYPE_BATCH:
        List<Part> parts = readBatch(buf, off, len);
        List<Incoming> out = new ArrayList<>(parts.size());
        for (Part p : parts) {
          out.add(p.type() == TYPE_ENTRIES
              ? readEntries(p.buf(), p.off(), p.len(), limits)
              : readDelta(p.buf(), p.off(), p.len(), limits));
        }
        return out;
      default:
        throw new IllegalArgumentException("message type " + type + " carries no writes");
    }
  }

  /**
   * Checks writes read with other limits against {@code limits}, as {@link #readWrites} with
   * {@code limits} would have.
   */
  public static void checkLimits(List<Incoming> writes, CodecLimits limits) throws MalformedMessageException {
    int max = limits.maxValueBytes();
    for (Incoming w : writes) {
      if (w instanceof Delta d) {
        checkLength(d.delta(), max, "delta");
      } else {
        for (EntryCopy c : ((Entries) w).entries()) {
          checkLength(c.value(), max, "entry value");
        }
      }
    }
  }

  private static void checkLength(byte[] b, int max, String what) throws MalformedMessageException {
    if (b != null && b.length > max) {
      throw new MalformedMessageException(what + " is " + b.length + ", the limit is " + max);
    }
  }

  /** An entry's {@code version origin created lastAccess maxIdle}, as both entries and deltas carry them. */
  private static EntryCopy readMeta(WireReader in, byte[] key, byte[] value) throws MalformedMessageException {
    long version = in.readLong();
    int origin = in.readInt();
    long created = in.readLong();
    long lastAccess = in.readLong();
    long maxIdle = in.readLong();
    if (maxIdle < 0) {
      throw new MalformedMessageException("negative max idle time");
    }
    return new EntryCopy(key, value, version, origin, created, lastAccess, maxIdle);
  }
}
