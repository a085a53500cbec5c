package dev.baton.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireWriter;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class TicketKeyRingTest {

  private static final long HOUR = 3_600_000;
  private static final long DAY = 24 * HOUR;
  private final SecureRandom random = new SecureRandom();

  @Test
  void aNewRingHasACurrentKeyAndTheNextOneAPeriodAhead() {
    long now = 1_000_000;
    TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(now, HOUR, DAY, random);
    assertThat(ring.keys()).hasSize(2);
    TicketKey current = ring.current(now);
    assertThat(current.notBefore()).isEqualTo(now);
    assertThat(current.encryptUntil()).isEqualTo(now + HOUR);
    assertThat(current.decryptUntil()).isEqualTo(now + HOUR + DAY);
    assertThat(ring.keys().get(1).notBefore()).isEqualTo(current.encryptUntil());
    assertThat(ring.rotated(now + 1, HOUR, DAY, random)).as("nothing to do yet").isSameAs(ring);
  }

  @Test
  void rotationHandsOverToTheNextKeyAndDropsKeysThatNoLongerDecrypt() {
    long now = 1_000_000;
    TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(now, HOUR, DAY, random);
    TicketKey first = ring.current(now);
    TicketKey second = ring.keys().get(1);
    long later = now + HOUR;
    TicketKeyRing r2 = ring.rotated(later, HOUR, DAY, random);
    assertThat(r2.current(later)).isEqualTo(second);
    assertThat(r2.decrypting(later)).contains(first);
    assertThat(r2.keys()).hasSize(3);
    long beyond = first.decryptUntil();
    assertThat(r2.rotated(beyond, HOUR, DAY, random).keys()).doesNotContain(first);
  }

  @Test
  void aLateRotationKeepsTheLastKeyEncryptingWhileItDecrypts() {
    long now = 1_000_000;
    TicketKeyRing ring = new TicketKeyRing(java.util.List.of(TicketKey.generate(random, now, HOUR, DAY)));
    assertThat(ring.current(now + 2 * HOUR)).isEqualTo(ring.keys().get(0));
    assertThat(ring.current(now + HOUR + DAY)).isNull();
  }

  @Test
  void theWireFormRoundTripsAndHidesNoSurprises() throws Exception {
    TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(5, HOUR, DAY, random);
    assertThat(TicketKeyRing.decode(ring.encode())).isEqualTo(ring);
    assertThat(ring.toString()).doesNotContain(java.util.HexFormat.of().formatHex(ring.keys().get(0).aesKey()));
  }

  @Test
  void hostileBytesAreRejectedWithoutAllocatingWhatTheyClaim() {
    byte[] claimsAMillionKeys = WireWriter.message(WireFormat.TYPE_TICKET_KEY_RING, 8).writeVarInt(1_000_000).toByteArray();
    assertThatThrownBy(() -> TicketKeyRing.decode(claimsAMillionKeys)).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("limit");
    byte[] truncated = TicketKeyRing.EMPTY.rotated(5, HOUR, DAY, random).encode();
    assertThatThrownBy(() -> TicketKeyRing.decode(java.util.Arrays.copyOf(truncated, truncated.length - 3)))
        .isInstanceOf(MalformedMessageException.class);
    byte[] wrongType = WireWriter.message(WireFormat.TYPE_SESSION_RECORD, 1).writeVarInt(0).toByteArray();
    assertThatThrownBy(() -> TicketKeyRing.decode(wrongType)).isInstanceOf(MalformedMessageException.class);
  }
}
