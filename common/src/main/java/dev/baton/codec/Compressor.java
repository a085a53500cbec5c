package dev.baton.codec;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.ObjectPool;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * Compresses encoded values above a size threshold, and expands them again within a bound.
 *
 * <p>A compressed value is a message of type {@link WireFormat#TYPE_COMPRESSED}: the original length
 * then a raw deflate stream of the original (which starts with its own header). Smaller values, and
 * values that do not shrink, are passed through unchanged, so a reader tells the two apart by the
 * type byte.
 *
 * <p>{@link Deflater} and {@link Inflater} hold native zlib state that is costly to set up (see
 * {@code CompressorBenchmark}): they are pooled. Thread-safe.
 */
public final class Compressor implements AutoCloseable {

  private final int threshold;
  private final int maxDecompressedBytes;
  private final GenericObjectPool<Deflater> deflaters;
  private final GenericObjectPool<Inflater> inflaters;

  /**
   * @param threshold values of at least this many bytes are compressed; {@code Integer.MAX_VALUE}
   *     turns compression off
   * @param maxDecompressedBytes the largest original length a reader accepts
   */
  public Compressor(int threshold, int maxDecompressedBytes) {
    this.threshold = threshold;
    this.maxDecompressedBytes = maxDecompressedBytes;
    GenericObjectPoolConfig<Deflater> dc = new GenericObjectPoolConfig<>();
    dc.setMaxTotal(-1);
    dc.setMaxIdle(Runtime.getRuntime().availableProcessors() * 2);
    dc.setJmxEnabled(false);
    this.deflaters = new GenericObjectPool<>(new ZlibFactory<>(() -> new Deflater(Deflater.BEST_SPEED, true),
        Deflater::reset, Deflater::end), dc);
    GenericObjectPoolConfig<Inflater> ic = new GenericObjectPoolConfig<>();
    ic.setMaxTotal(-1);
    ic.setMaxIdle(Runtime.getRuntime().availableProcessors() * 2);
    ic.setJmxEnabled(false);
    this.inflaters = new GenericObjectPool<>(new ZlibFactory<>(() -> new Inflater(true),
        Inflater::reset, Inflater::end), ic);
  }

  /** The value compressed, or the value itself if it is small or does not shrink. */
  public byte[] compress(byte[] value) {
    if (value.length < threshold) {
      return value;
    }
    Deflater d = borrow(deflaters);
    try {
      d.setInput(value);
      d.finish();
      WireWriter w = WireWriter.message(WireFormat.TYPE_COMPRESSED, 5 + value.length / 2);
      w.writeVarInt(value.length);
      byte[] chunk = new byte[Math.min(value.length, 64 * 1024)];
      while (!d.finished()) {
        int n = d.deflate(chunk);
        w.writeRaw(chunk, 0, n);
        if (w.size() >= value.length) {
          return value; // does not pay
        }
      }
      return w.toByteArray();
    } finally {
      deflaters.returnObject(d);
    }
  }

  /**
   * The original of a value made by {@link #compress}; a value that was not compressed is returned
   * as it is.
   *
   * @throws MalformedMessageException if the compressed form is corrupt or expands beyond its
   *     declared length or the bound
   */
  public byte[] decompress(byte[] value) throws MalformedMessageException {
    if (value.length < WireFormat.HEADER_BYTES || (value[3] & 0xFF) != WireFormat.TYPE_COMPRESSED) {
      return value;
    }
    WireReader in = new WireReader(value);
    in.readHeader();
    int length = in.readLength(maxDecompressedBytes, "decompressed length");
    int start = value.length - in.remaining();
    Inflater inf = borrow(inflaters);
    try {
      inf.setInput(value, start, value.length - start);
      // Grow with what really inflates, never to a length the sender merely declared.
      byte[] out = new byte[Math.min(length, Math.max(256, (value.length - start) * 4))];
      int n = 0;
      while (n < length) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, (int) Math.min(length, 2L * out.length));
        }
        int got = inf.inflate(out, n, out.length - n);
        if (got == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        n += got;
      }
      if (n == length && !inf.finished() && inf.inflate(new byte[1]) != 0) {
        n++; // more than declared
      }
      if (n != length || !inf.finished()) {
        throw new MalformedMessageException("compressed value does not expand to its declared " + length + " bytes");
      }
      return out;
    } catch (DataFormatException e) {
      throw new MalformedMessageException("corrupt compressed value", e);
    } finally {
      inflaters.returnObject(inf);
    }
  }

  private static <T> T borrow(ObjectPool<T> pool) {
    try {
      return pool.borrowObject();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a zlib stream", e);
    }
  }

  @Override
  public void close() {
    deflaters.close();
    inflaters.close();
  }

  /** A pool factory for zlib objects: made by {@code create}, reset when returned, ended when dropped. */
  private static final class ZlibFactory<T> extends BasePooledObjectFactory<T> {
    private final java.util.function.Supplier<T> create;
    private final java.util.function.Consumer<T> reset;
    private final java.util.function.Consumer<T> end;

    ZlibFactory(java.util.function.Supplier<T> create, java.util.function.Consumer<T> reset,
        java.util.function.Consumer<T> end) {
      this.create = create;
      this.reset = reset;
      this.end = end;
    }

    @Override public T create() { return create.get(); }
    @Override public PooledObject<T> wrap(T obj) { return new DefaultPooledObject<>(obj); }
    @Override public void passivateObject(PooledObject<T> p) { reset.accept(p.getObject()); }
    @Override public void destroyObject(PooledObject<T> p) { end.accept(p.getObject()); }
  }
}
