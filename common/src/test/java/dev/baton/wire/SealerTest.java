package dev.baton.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SealerTest {

  private final KeyMaterial keys = new KeyMaterial("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  private final byte[] header = {(byte) 0xBA, 0x70, 1, (byte) 0xA0};

  @Test
  void anotherNodeWithTheSameSecretOpensWhatOneSeals() throws Exception {
    try (Sealer a = new Sealer(keys.sealMaster()); Sealer b = new Sealer(keys.sealMaster())) {
      byte[] body = "session data: card 4111".getBytes(StandardCharsets.UTF_8);
      byte[] frame = a.seal(header, body);
      assertThat(new String(frame, StandardCharsets.ISO_8859_1)).doesNotContain("4111");
      assertThat(b.open(frame, 0, frame.length)).isEqualTo(body);
      assertThat(b.open(frame, 0, frame.length)).as("and again, from the key cache").isEqualTo(body);
      assertThat(a.seal(header, body)).as("a fresh nonce every time").isNotEqualTo(frame);
    }
  }

  @Test
  void everyFlippedBitIsDetected() throws Exception {
    try (Sealer a = new Sealer(keys.sealMaster())) {
      byte[] frame = a.seal(header, new byte[40]);
      for (int i = 0; i < frame.length; i++) {
        byte[] t = frame.clone();
        t[i] ^= 1;
        int at = i;
        assertThatThrownBy(() -> a.open(t, 0, t.length)).as("byte %d", at).isInstanceOf(SealException.class);
      }
      assertThatThrownBy(() -> a.open(frame, 0, 10)).isInstanceOf(SealException.class);
    }
  }

  @Test
  void anotherSecretCannotOpen() throws Exception {
    KeyMaterial other = new KeyMaterial("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
    try (Sealer a = new Sealer(keys.sealMaster()); Sealer b = new Sealer(other.sealMaster())) {
      byte[] frame = a.seal(header, new byte[5]);
      assertThatThrownBy(() -> b.open(frame, 0, frame.length)).isInstanceOf(SealException.class);
    }
  }

  @Test
  void derivedKeysDifferPerPurpose() {
    assertThat(keys.sealMaster()).isNotEqualTo(keys.hashSeed());
    assertThat(keys.authKey()).isNotEqualTo(keys.sealMaster());
  }
}
