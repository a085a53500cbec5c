package dev.baton.wire;

/**
 * Which message counters of one sender were already accepted: the highest, and a bitmap of the
 * {@link #SIZE} before it. A counter is accepted once; one more than {@link #SIZE} below the
 * highest is refused as too old (datagrams of one sender do not arrive that far out of order; a
 * retransmission is a new datagram with a new counter). Thread-safe.
 */
final class ReplayWindow {

  /** How far below the highest counter a late datagram is still accepted. */
  static final int SIZE = 4096;

  /** What {@link #accept} decided. */
  enum Verdict { FRESH, DUPLICATE, TOO_OLD }

  private final long[] seen = new long[SIZE / 64];
  private long highest = -1;

  /** Records {@code counter} if it was not seen and is not too old. */
  synchronized Verdict accept(long counter) {
    if (counter > highest) {
      long shift = highest < 0 ? SIZE : counter - highest;
      if (shift >= SIZE) {
        java.util.Arrays.fill(seen, 0);
      } else {
        for (long c = highest + 1; c <= counter; c++) {
          clear(c);
        }
      }
      highest = counter;
      set(counter);
      return Verdict.FRESH;
    }
    if (highest - counter >= SIZE) {
      return Verdict.TOO_OLD;
    }
    if (isSet(counter)) {
      return Verdict.DUPLICATE;
    }
    set(counter);
    return Verdict.FRESH;
  }

  private int bit(long c) {
    return (int) Math.floorMod(c, (long) SIZE);
  }

  private boolean isSet(long c) {
    int b = bit(c);
    return (seen[b >>> 6] & (1L << (b & 63))) != 0;
  }

  private void set(long c) {
    int b = bit(c);
    seen[b >>> 6] |= 1L << (b & 63);
  }

  private void clear(long c) {
    int b = bit(c);
    seen[b >>> 6] &= ~(1L << (b & 63));
  }
}
