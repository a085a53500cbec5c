package dev.baton.cache;

/**
 * An inclusive range of 64-bit key hashes, compared as unsigned numbers. A range whose {@code from}
 * is above its {@code to} wraps around zero, as a portion of a hash ring may.
 *
 * @param from first hash in the range (unsigned)
 * @param to last hash in the range (unsigned)
 */
public record HashRange(long from, long to) {

  /** Every hash. */
  public static final HashRange ALL = new HashRange(0L, -1L);

  /** True if this range wraps around zero. */
  public boolean wraps() {
    return Long.compareUnsigned(from, to) > 0;
  }

  /** True if {@code hash} is in this range. */
  public boolean contains(long hash) {
    return wraps()
        ? Long.compareUnsigned(hash, from) >= 0 || Long.compareUnsigned(hash, to) <= 0
        : Long.compareUnsigned(hash, from) >= 0 && Long.compareUnsigned(hash, to) <= 0;
  }

  /**
   * Splits the hash space into {@code parts} contiguous ranges of (almost) equal size, the way a
   * node may stream its portion in pieces.
   *
   * @param parts at least 1
   * @param index which part, {@code 0 <= index < parts}
   */
  public static HashRange part(int parts, int index) {
    if (parts < 1 || index < 0 || index >= parts) {
      throw new IllegalArgumentException("need 0 <= index < parts, got index=" + index + " parts=" + parts);
    }
    long from = boundary(index, parts);
    long to = index == parts - 1 ? -1L : boundary(index + 1, parts) - 1;
    return new HashRange(from, to);
  }

  /** floor(index * 2^64 / parts), as an unsigned 64-bit value. */
  private static long boundary(int index, int parts) {
    return java.math.BigInteger.valueOf(index).shiftLeft(64)
        .divide(java.math.BigInteger.valueOf(parts)).longValue();
  }
}
