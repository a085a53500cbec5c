package dev.baton.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The envelope every unit of an encrypted cluster travels in, and what it refuses. */
class EnvelopeTest {

  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OLD = "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII);
  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);

  private Envelope envelope(byte[]... secrets) {
    return new Envelope(Arrays.stream(secrets).map(s -> new KeyMaterial(s, "shop").envelopeMaster()).toList(), now::get);
  }

  private static byte[] open(Envelope e, byte[] unit) throws Envelope.RejectedException {
    byte[] out = new byte[unit.length];
    int n = e.open(unit, 0, unit.length, out, 0);
    return Arrays.copyOf(out, n);
  }

  private static Envelope.Rejection refused(Envelope e, byte[] unit) {
    return catchThrowableOfType(() -> open(e, unit), Envelope.RejectedException.class).rejection();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aUnitOpensOnAnotherNodeOfTheClusterOnce() throws Exception {
    Envelope a = envelope(SECRET);
    Envelope b = envelope(SECRET);
    byte[] unit = a.seal(b("hello"), 0, 5);
    assertThat(unit).hasSize(5 + Envelope.OVERHEAD);
    assertThat(open(b, unit)).isEqualTo(b("hello"));
    assertThat(refused(b, unit)).as("the same datagram again").isEqualTo(Envelope.Rejection.REPLAYED);
    assertThat(open(b, a.seal(b("again"), 0, 5))).isEqualTo(b("again"));
  }

  @Test
  void everyChangedByteIsRefused() throws Exception {
    Envelope a = envelope(SECRET);
    byte[] unit = a.seal(b("payment=txn-1:CAPTURED"), 0, 22);
    for (int i = 0; i < unit.length; i++) {
      byte[] t = unit.clone();
      t[i] ^= 0x40;
      assertThatThrownBy(() -> open(envelope(SECRET), t)).as("byte " + i).isInstanceOf(Envelope.RejectedException.class);
    }
  }

  @Test
  void anotherSecretOrClusterIsRefused() {
    byte[] unit = envelope(OLD).seal(b("x"), 0, 1);
    assertThat(refused(envelope(SECRET), unit)).isIn(Envelope.Rejection.UNKNOWN_KEY, Envelope.Rejection.FORGED);
    Envelope otherCluster = new Envelope(List.of(new KeyMaterial(SECRET, "other").envelopeMaster()), now::get);
    assertThat(refused(envelope(SECRET), otherCluster.seal(b("x"), 0, 1)))
        .isIn(Envelope.Rejection.UNKNOWN_KEY, Envelope.Rejection.FORGED);
  }

  @Test
  void aUnitFromBeyondTheClockSkewIsStale() throws Exception {
    Envelope a = envelope(SECRET);
    byte[] old = a.seal(b("x"), 0, 1);
    now.addAndGet(Envelope.MAX_SKEW_MILLIS + 1);
    assertThat(refused(envelope(SECRET), old)).isEqualTo(Envelope.Rejection.STALE);
    now.addAndGet(-2 * Envelope.MAX_SKEW_MILLIS - 2);
    assertThat(refused(envelope(SECRET), old)).as("from the future").isEqualTo(Envelope.Rejection.STALE);
  }

  @Test
  void lateUnitsOpenOnceUntilTheyFallOutOfTheWindow() throws Exception {
    Envelope a = envelope(SECRET);
    Envelope b = envelope(SECRET);
    byte[] first = a.seal(b("1"), 0, 1);
    byte[] second = a.seal(b("2"), 0, 1);
    assertThat(open(b, second)).isEqualTo(b("2"));
    assertThat(open(b, first)).as("out of order, once").isEqualTo(b("1"));
    assertThat(refused(b, first)).isEqualTo(Envelope.Rejection.REPLAYED);
    byte[] late = a.seal(b("3"), 0, 1);
    for (int i = 0; i < ReplayWindow.SIZE; i++) {
      open(b, a.seal(b("n"), 0, 1));
    }
    assertThat(refused(b, late)).isEqualTo(Envelope.Rejection.STALE);
  }

  @Test
  void whileASecretIsRolledInBothAreOpenedAndTheFirstSeals() throws Exception {
    Envelope oldOnly = envelope(OLD);
    Envelope both = envelope(SECRET, OLD);
    Envelope newOnly = envelope(SECRET);
    assertThat(open(both, oldOnly.seal(b("o"), 0, 1))).isEqualTo(b("o"));
    assertThat(open(newOnly, both.seal(b("n"), 0, 1))).as("sealed with the first").isEqualTo(b("n"));
  }

  @Test
  void randomAndMutatedBytesAreAlwaysRefusedAndNeverAllocateBeyondTheUnit() {
    Envelope receiver = envelope(SECRET);
    byte[] valid = envelope(SECRET).seal(new byte[300], 0, 300);
    Random rnd = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] unit = i % 2 == 0 ? new byte[rnd.nextInt(400)] : valid.clone();
      if (i % 2 == 0) {
        rnd.nextBytes(unit);
      } else {
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
          unit[rnd.nextInt(unit.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
      }
      byte[] out = new byte[Math.max(0, unit.length)];
      assertThatThrownBy(() -> receiver.open(unit, 0, unit.length, out, 0)).as("case " + i)
          .isInstanceOf(Envelope.RejectedException.class);
    }
  }
}
