package dev.baton.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class BuzHashTest {

  private final BuzHash hash = BuzHash.withSeed("cluster-secret-1");

  @Test
  void tableIsBalancedInEveryBitPosition() {
    long[] t = hash.table();
    assertThat(t).hasSize(256);
    for (int bit = 0; bit < 64; bit++) {
      int ones = 0;
      for (long w : t) {
        ones += (int) (w >>> bit) & 1;
      }
      assertThat(ones).as("ones in bit column %d", bit).isEqualTo(128);
    }
    assertThat(Set.of(boxed(t))).as("words are distinct").hasSize(256);
  }

  @Test
  void sameSeedSameHashesOtherSeedOtherHashes() {
    BuzHash again = BuzHash.withSeed("cluster-secret-1");
    BuzHash other = BuzHash.withSeed("cluster-secret-2");
    Random rnd = new Random(1);
    int differing = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] key = new byte[1 + rnd.nextInt(100)];
      rnd.nextBytes(key);
      assertThat(again.hash(key)).isEqualTo(hash.hash(key));
      if (other.hash(key) != hash.hash(key)) {
        differing++;
      }
    }
    assertThat(differing).isEqualTo(1000);
    assertThat(other.table()).isNotEqualTo(hash.table());
  }

  @Test
  void hashOfRangeEqualsHashOfCopy() {
    byte[] big = "xxhello worldyy".getBytes(StandardCharsets.UTF_8);
    assertThat(hash.hash(big, 2, 11)).isEqualTo(hash.hash("hello world".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void equalBytes64ApartCancelInPlainBuzHashButNotHere() {
    long[] table = hash.table();
    byte[] a = new byte[130];
    byte[] b = new byte[130];
    a[3] = 'x';
    a[67] = 'x';
    b[3] = 'y';
    b[67] = 'y';
    assertThat(plainBuzHash(table, a)).as("the weakness exists in plain BUZhash")
        .isEqualTo(plainBuzHash(table, b));
    assertThat(hash.hash(a)).isNotEqualTo(hash.hash(b));
  }

  @Test
  void noCollisionsAmongKeysThatDifferOnlyInPairs64Apart() {
    // Session keys are context path + 32 hex chars: longer than 64 bytes once the scope is long.
    Set<Long> seen = new HashSet<>();
    byte[] base = ("/a-rather-long-context-path/with/segments/" + "0".repeat(64)).getBytes(StandardCharsets.US_ASCII);
    for (int v1 = 0; v1 < 256; v1++) {
      for (int pos = 0; pos < 40; pos++) {
        byte[] k = base.clone();
        k[pos] = (byte) v1;
        k[pos + 64] = (byte) v1;
        seen.add(hash.hash(k));
      }
    }
    assertThat(seen).hasSize(256 * 40 - countDuplicateKeys(base));
  }

  private static int countDuplicateKeys(byte[] base) {
    Set<String> keys = new HashSet<>();
    int total = 0;
    for (int v1 = 0; v1 < 256; v1++) {
      for (int pos = 0; pos < 40; pos++) {
        byte[] k = base.clone();
        k[pos] = (byte) v1;
        k[pos + 64] = (byte) v1;
        keys.add(HexFormat.of().formatHex(k));
        total++;
      }
    }
    return total - keys.size();
  }

  @Test
  void sequentialKeysSpreadEvenly() {
    assertUniform(i -> Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void hexSessionIdsSpreadEvenly() {
    Random rnd = new Random(7);
    assertUniform(i -> {
      byte[] raw = new byte[16];
      rnd.nextBytes(raw);
      return HexFormat.of().withUpperCase().formatHex(raw).getBytes(StandardCharsets.US_ASCII);
    });
  }

  @Test
  void randomKeysSpreadEvenly() {
    Random rnd = new Random(11);
    assertUniform(i -> {
      byte[] k = new byte[8 + rnd.nextInt(24)];
      rnd.nextBytes(k);
      return k;
    });
  }

  @Test
  void longKeysSpreadEvenly() {
    assertUniform(i -> ("/shop/checkout/context/with/a/long/path/and/virtual.host.example" + i + "/tail-of-the-key-" + i)
        .getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Chi-square over 1024 buckets, taken once from the low bits and once from the high bits (the
   * table uses both). With 1023 degrees of freedom the statistic has mean 1023 and standard
   * deviation about 45; 1250 is five deviations out.
   */
  private void assertUniform(IntFunction<byte[]> keys) {
    int buckets = 1024;
    int n = 200_000;
    long[] low = new long[buckets];
    long[] high = new long[buckets];
    for (int i = 0; i < n; i++) {
      long h = hash.hash(keys.apply(i));
      low[(int) (h & (buckets - 1))]++;
      high[(int) (h >>> 54)]++;
    }
    assertThat(chiSquare(low, n)).as("chi-square, low bits").isLessThan(1250);
    assertThat(chiSquare(high, n)).as("chi-square, high bits").isLessThan(1250);
  }

  private static double chiSquare(long[] counts, int n) {
    double expected = (double) n / counts.length;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }

  @Test
  void oneFlippedInputBitFlipsAboutHalfTheOutputBits() {
    Random rnd = new Random(3);
    int[] flipsPerOutputBit = new int[64];
    int trials = 0;
    long totalFlips = 0;
    for (int k = 0; k < 400; k++) {
      byte[] key = new byte[1 + rnd.nextInt(100)];
      rnd.nextBytes(key);
      long h = hash.hash(key);
      for (int bit = 0; bit < key.length * 8; bit += 3) {
        key[bit >>> 3] ^= (byte) (1 << (bit & 7));
        long diff = h ^ hash.hash(key);
        key[bit >>> 3] ^= (byte) (1 << (bit & 7));
        totalFlips += Long.bitCount(diff);
        for (int o = 0; o < 64; o++) {
          flipsPerOutputBit[o] += (int) (diff >>> o) & 1;
        }
        trials++;
      }
    }
    assertThat((double) totalFlips / trials).isBetween(31.5, 32.5);
    for (int o = 0; o < 64; o++) {
      assertThat((double) flipsPerOutputBit[o] / trials).as("output bit %d flip rate", o).isBetween(0.47, 0.53);
    }
  }

  /** Plain BUZhash without this class's remedies, as the weakness is usually described. */
  private static long plainBuzHash(long[] t, byte[] key) {
    long h = 0;
    for (byte b : key) {
      h = Long.rotateLeft(h, 1) ^ t[b & 0xFF];
    }
    return h;
  }

  private static Long[] boxed(long[] a) {
    Long[] out = new Long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
