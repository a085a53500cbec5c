package dev.baton.state;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: versions are {@code physicalMillis << 16 | logical}, strictly increasing on
 * this node and never behind any version this node has {@linkplain #observe(long) observed} from
 * another. A write made after seeing another node's write therefore always orders after it, even
 * when the two nodes' wall clocks disagree.
 *
 * <p>Thread-safe and lock-free.
 */
public final class HybridClock {

  private static final int LOGICAL_BITS = 16;

  private final LongSupplier wallMillis;
  private final AtomicLong last = new AtomicLong();

  /** A clock on {@link System#currentTimeMillis()}. */
  public HybridClock() {
    this(System::currentTimeMillis);
  }

  /** A clock on the given wall-clock source (tests pass a manual clock). */
  public HybridClock(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  /** Returns a new version, greater than every version returned or observed before. */
  public long next() {
    return next(wallMillis.getAsLong());
  }

  /**
   * {@link #next()} for a caller that has just read the wall clock itself: a new version, greater
   * than every version returned or observed before and not behind {@code wallMillis}.
   */
  public long next(long wallMillis) {
    long physical = wallMillis << LOGICAL_BITS;
    long prev;
    long next;
    do {
      prev = last.get();
      next = Math.max(prev + 1, physical);
    } while (!last.compareAndSet(prev, next));
    return next;
  }

  /** Moves the clock past a version seen from another node. */
  public void observe(long remoteVersion) {
    long cur;
    // No atomic update when the clock is already past it (reading is cheaper than a CAS).
    while (remoteVersion > (cur = last.get()) && !last.compareAndSet(cur, remoteVersion)) {
      Thread.onSpinWait();
    }
  }

  /** The wall-clock part of a version, in epoch millis. */
  public static long physicalMillis(long version) {
    return version >>> LOGICAL_BITS;
  }
}
