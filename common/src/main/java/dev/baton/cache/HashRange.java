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
}
