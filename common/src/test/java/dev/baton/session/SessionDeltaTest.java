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

class SessionDeltaTest {

  @Test
  void carriesOnlyChangedAttributesAndRebuildsTheNewRecord() throws Exception {
    SessionRecord before = SessionRecordCodecTest.sample();
    before.attribute("big", new byte[50_000]);
    before.stampChanges(null, new Stamp(1, 1));
    SessionRecord after = before.copy();
    after.attribute("cart", new byte[] {9, 9});
    after.removeAttribute("empty");
    after.attribute("payment", new byte[] {7});
    after.accessedMillis(before.accessedMillis() + 5000);
    after.auth(new LoginRecord("bob", "BASIC", List.of("user")));
    after.stampChanges(before, new Stamp(2, 1));

    SessionDelta delta = SessionDelta.between(before, after);
    assertThat(delta.set()).containsOnlyKeys("cart", "payment");
    assertThat(delta.removed()).containsExactly("empty");
    byte[] encoded = delta.encode();
    assertThat(encoded.length).as("the unchanged 50 KB attribute stays home").isLessThan(400);

    SessionRecord rebuilt = SessionDelta.decode(encoded, CodecLimits.DEFAULT).applyTo(before);
    assertThat(rebuilt).usingRecursiveComparison().ignoringFields("attributes").isEqualTo(after);
    assertThat(rebuilt.attributeNames()).containsExactlyInAnyOrderElementsOf(after.attributeNames());
    for (String name : after.attributeNames()) {
      assertThat(rebuilt.attribute(name)).isEqualTo(after.attribute(name));
    }
  }

  @Test
  void equalBytesInANewArrayAreNotAChange() {
    SessionRecord before = SessionRecordCodecTest.sample();
    before.stampChanges(null, new Stamp(1, 1));
    SessionRecord after = before.copy();
    after.attribute("cart", before.attribute("cart").clone());
    after.stampChanges(before, new Stamp(2, 1));
    SessionDelta delta = SessionDelta.between(before, after);
    assertThat(delta.set()).isEmpty();
    assertThat(delta.removed()).isEmpty();
  }

  @Test
  void truncatedAndMutatedDeltasOnlyGiveTheCodecsError() {
    SessionRecord before = SessionRecordCodecTest.sample();
    SessionRecord after = before.copy();
    after.attribute("x", new byte[] {1, 2, 3});
    byte[] encoded = SessionDelta.between(before, after).encode();
    for (int len = 0; len < encoded.length; len++) {
      byte[] cut = Arrays.copyOf(encoded, len);
      assertThatThrownBy(() -> SessionDelta.decode(cut, CodecLimits.DEFAULT)).isInstanceOf(MalformedMessageException.class);
    }
    Random rnd = new Random(4);
    for (int i = 0; i < 20_000; i++) {
      byte[] m = encoded.clone();
      m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
      try {
        SessionDelta.decode(m, CodecLimits.DEFAULT);
      } catch (MalformedMessageException expected) {
        // the only failure allowed
      }
    }
  }
}
