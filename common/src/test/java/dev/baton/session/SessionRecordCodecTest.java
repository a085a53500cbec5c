package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireFormat;
import dev.baton.wire.WireWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionRecordCodecTest {

  private final SessionRecordCodec codec = new SessionRecordCodec(CodecLimits.DEFAULT);

  static SessionRecord sample() {
    SessionRecord r = new SessionRecord("A1B2C3D4E5F60718293A4B5C6D7E8F90", 1_700_000_000_000L, 1800);
    r.accessedMillis(1_700_000_100_000L);
    r.lastAccessedMillis(1_700_000_050_000L);
    r.lastNode("node1");
    r.lastSavedMillis(1_700_000_100_001L);
    r.auth(new LoginRecord("alice", "FORM", List.of("customer", "admin")));
    r.tls(new TlsIdentity("TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=alice"));
    r.attribute("cart", new byte[] {1, 2, 3});
    r.attribute("billing.address", "Rue 1, Paris".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    r.attribute("empty", new byte[0]);
    r.stampChanges(null, new Stamp(7L << 16, 2));
    r.removal("coupon", new Stamp(6L << 16, 3));
    return r;
  }

  @Test
  void roundTripKeepsEveryField() throws Exception {
    SessionRecord r = sample();
    SessionRecord back = codec.decode(codec.encode(r));
    assertThat(back).usingRecursiveComparison().isEqualTo(r);
    assertThat(back.attributeNames()).containsExactly("cart", "billing.address", "empty");
  }

  @Test
  void minimalRecordRoundTrips() throws Exception {
    SessionRecord r = new SessionRecord("x", 0, -1);
    assertThat(codec.decode(codec.encode(r))).usingRecursiveComparison().isEqualTo(r);
  }

  @Test
  void everyTruncationIsAMalformedMessage() {
    byte[] full = codec.encode(sample());
    for (int len = 0; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThatThrownBy(() -> codec.decode(cut)).as("length %d", len).isInstanceOf(MalformedMessageException.class);
    }
  }

  @Test
  void wrongMagicVersionTypeAndTrailingBytesAreRejected() {
    byte[] full = codec.encode(sample());
    byte[] magic = full.clone();
    magic[0] ^= 1;
    assertThatThrownBy(() -> codec.decode(magic)).hasMessageContaining("magic");
    byte[] version = full.clone();
    version[2] = 99;
    assertThatThrownBy(() -> codec.decode(version)).hasMessageContaining("version 99");
    byte[] type = full.clone();
    type[3] = 0x7F;
    assertThatThrownBy(() -> codec.decode(type)).hasMessageContaining("type");
    byte[] trailing = Arrays.copyOf(full, full.length + 1);
    assertThatThrownBy(() -> codec.decode(trailing)).hasMessageContaining("trailing");
  }

  @Test
  void hostileLengthIsRefusedBeforeAllocating() {
    // A record claiming one attribute of 2^31-1 bytes in a 40-byte message: allocating it would OOM.
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_RECORD, 64);
    w.writeString("id").writeLong(0).writeLong(0).writeLong(0).writeInt(0).writeLong(0).writeInt(0)
        .writeNullableString(null).writeLong(0).writeLong(0).writeInt(0).writeLong(0).writeInt(0)
        .writeLong(0).writeInt(0).writeBoolean(false).writeBoolean(false).writeVarInt(1).writeString("a")
        .writeLong(0).writeInt(0).writeVarInt(Integer.MAX_VALUE);
    SessionRecordCodec lenient = new SessionRecordCodec(new CodecLimits(10, Integer.MAX_VALUE, 0));
    assertThatThrownBy(() -> lenient.decode(w.toByteArray()))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> codec.decode(w.toByteArray()))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("limit");
  }

  @Test
  void attributeCountAboveTheLimitIsRefused() {
    SessionRecord r = new SessionRecord("x", 0, 0);
    for (int i = 0; i < 11; i++) {
      r.attribute("a" + i, new byte[1]);
    }
    SessionRecordCodec strict = new SessionRecordCodec(new CodecLimits(10, 100, 0));
    assertThatThrownBy(() -> strict.decode(codec.encode(r))).hasMessageContaining("attribute count is 11");
  }

  @Test
  void invalidUtf8IsRejected() {
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_RECORD, 16);
    w.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> codec.decode(w.toByteArray())).hasMessageContaining("UTF-8");
  }

  @Test
  void randomAndMutatedBuffersOnlyEverGiveTheCodecsOwnError() {
    Random rnd = new Random(2026);
    byte[] valid = codec.encode(sample());
    int decoded = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[rnd.nextInt(200)];
        rnd.nextBytes(input);
        if (input.length >= 4 && rnd.nextBoolean()) {
          input[0] = (byte) 0xBA;
          input[1] = 0x70;
          input[2] = 1;
          input[3] = 0x10;
        }
      } else {
        input = valid.clone();
        for (int m = 0, n = 1 + rnd.nextInt(4); m < n; m++) {
          input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextInt(4) == 0) {
          input = Arrays.copyOf(input, rnd.nextInt(input.length + 8));
        }
      }
      try {
        codec.decode(input);
        decoded++;
      } catch (MalformedMessageException expected) {
        // the only failure allowed
      }
    }
    assertThat(decoded).as("some mutations still decode (e.g. a changed attribute byte)").isPositive();
  }

  @Test
  void toStringHidesContents() {
    String s = sample().toString();
    assertThat(s).doesNotContain("alice").doesNotContain("Paris").doesNotContain("A1B2C3D4E5F6");
  }
}
