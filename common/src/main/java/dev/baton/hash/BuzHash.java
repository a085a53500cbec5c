package dev.baton.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * 64-bit BUZhash of byte keys, with a table derived from a cluster seed.
 *
 * <p>Per byte {@code h = rotl(h, 1) ^ T[b]}. The 256-word table {@code T} is generated
 * deterministically from the seed with SHA-256 in counter mode and is <em>balanced</em>: for every
 * bit position exactly 128 of the 256 words have that bit set. Every node of a cluster derives the
 * same table from the same seed; a secret seed makes colliding keys hard to choose from outside.
 *
 * <p>Two classic weaknesses are handled:
 * <ul>
 *   <li><b>64-apart cancellation.</b> In plain BUZhash a byte's word is rotated by its distance from
 *       the end modulo 64, so two equal bytes 64 positions apart contribute the same word twice and
 *       cancel. Here the state goes through a bijective non-linear mix after every 64-byte block, so
 *       bytes in different blocks never line up (see {@code BuzHashTest#equalBytes64ApartDoNotCancel}).</li>
 *   <li><b>Seed by XOR.</b> An initial value XOR-ed into the state would rotate through 64 steps back
 *       onto itself and cancel out of every difference between keys. The seed here only shapes the
 *       table, never the initial state.</li>
 * </ul>
 * The result ends with the key length folded in and a final avalanche mix, so one flipped input bit
 * flips about half of the output bits.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BuzHash {

  private static final int BLOCK = 64;

  private final long[] table;

  private BuzHash(long[] table) {
    this.table = table;
  }

  /**
   * Creates the hash for a cluster seed.
   *
   * @param seed any bytes; nodes of one cluster must use the same seed
   * @return a hash whose table is a deterministic function of {@code seed}
   */
  public static BuzHash withSeed(byte[] seed) {
    return new BuzHash(balancedTable(seed));
  }

  /** Convenience for {@link #withSeed(byte[])} with a UTF-8 string seed. */
  public static BuzHash withSeed(String seed) {
    return withSeed(seed.getBytes(StandardCharsets.UTF_8));
  }

  /** Hashes the whole array. */
  public long hash(byte[] key) {
    return hash(key, 0, key.length);
  }

  /**
   * Hashes {@code len} bytes of {@code key} starting at {@code off}.
   *
   * @throws IndexOutOfBoundsException if the range is outside the array
   */
  public long hash(byte[] key, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, key.length);
    final long[] t = table;
    long h = 0;
    int i = off;
    final int end = off + len;
    while (end - i > BLOCK) {
      final int blockEnd = i + BLOCK;
      for (; i < blockEnd; i++) {
        h = Long.rotateLeft(h, 1) ^ t[key[i] & 0xFF];
      }
      h = mix(h);
    }
    for (; i < end; i++) {
      h = Long.rotateLeft(h, 1) ^ t[key[i] & 0xFF];
    }
    return mix(h ^ (len * 0x9E3779B97F4A7C15L));
  }

  /** Returns a copy of the table, for tests and diagnostics. */
  long[] table() {
    return table.clone();
  }

  /**
   * A bijective 64-bit avalanche mix (the "variant 13" finaliser of Stafford, also used by
   * SplitMix64).
   */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Builds a balanced table: for each of the 64 bit columns, a seeded Fisher-Yates shuffle of the
   * 256 rows picks the 128 rows that get a 1.
   */
  private static long[] balancedTable(byte[] seed) {
    KeyedStream random = new KeyedStream(seed);
    long[] t = new long[256];
    int[] rows = new int[256];
    for (int bit = 0; bit < 64; bit++) {
      for (int r = 0; r < 256; r++) {
        rows[r] = r;
      }
      for (int r = 255; r > 0; r--) {
        int j = random.nextBelow(r + 1);
        int tmp = rows[r];
        rows[r] = rows[j];
        rows[j] = tmp;
      }
      for (int r = 0; r < 128; r++) {
        t[rows[r]] |= 1L << bit;
      }
    }
    return t;
  }

  /** SHA-256(seed || counter) as a deterministic stream of random ints. */
  private static final class KeyedStream {
    private final MessageDigest sha;
    private final byte[] seed;
    private byte[] block = new byte[0];
    private int pos;
    private long counter;

    KeyedStream(byte[] seed) {
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by every Java platform", e);
      }
      this.seed = Arrays.copyOf(seed, seed.length);
    }

    private int nextInt() {
      if (pos + 4 > block.length) {
        sha.reset();
        sha.update(seed);
        for (int s = 56; s >= 0; s -= 8) {
          sha.update((byte) (counter >>> s));
        }
        counter++;
        block = sha.digest();
        pos = 0;
      }
      int v = (block[pos] & 0xFF) << 24 | (block[pos + 1] & 0xFF) << 16
          | (block[pos + 2] & 0xFF) << 8 | (block[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    /** Uniform in [0, bound) by rejection, so the shuffle has no modulo bias. */
    int nextBelow(int bound) {
      long limit = (1L << 32) / bound * bound;
      while (true) {
        long u = nextInt() & 0xFFFF_FFFFL;
        if (u < limit) {
          return (int) (u % bound);
        }
      }
    }
  }
}
