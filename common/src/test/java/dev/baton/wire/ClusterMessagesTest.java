package dev.baton.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.state.EntryCopy;
import dev.baton.state.StateEntry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writes a sender writes straight into its batch buffer read back as they were. */
class ClusterMessagesTest {

  private static StateEntry entry(int keyBytes, int valueBytes) {
    byte[] key = new byte[keyBytes];
    Arrays.fill(key, (byte) 7);
    byte[] value = valueBytes < 0 ? null : new byte[valueBytes];
    if (value != null) {
      Arrays.fill(value, (byte) 9);
    }
    return new EntryCopy(key, value, 42L << 16, 3, 1000, 2000, 30_000);
  }

  /** Writes read ahead with the default limits are held to a node's own limits, as if read with them. */
  @Test
  void writesReadWithOtherLimitsAreCheckedAgainstANodesOwn() throws Exception {
    byte[] body = ClusterMessages.entries(ClusterMessages.PURPOSE_WRITE, 1,
        List.of(entry(12, 100), entry(12, 2000)));
    List<ClusterMessages.Incoming> writes =
        ClusterMessages.readWrites(ClusterMessages.TYPE_ENTRIES, body, 0, body.length, CodecLimits.DEFAULT);
    CodecLimits lower = new CodecLimits(10, 1000, 1000);

    ClusterMessages.checkLimits(writes, CodecLimits.DEFAULT);
    assertThatThrownBy(() -> ClusterMessages.checkLimits(writes, lower))
        .isInstanceOf(MalformedMessageException.class).hasMessage("entry value is 2000, the limit is 1000");
    assertThatThrownBy(
            () -> ClusterMessages.readWrites(ClusterMessages.TYPE_ENTRIES, body, 0, body.length, lower))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("the limit is 1000");
  }

  /** Sizes around the varint steps (127/128, 16383/16384), and a tombstone (-1). */
  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 1, 127, 128, 1024, 16_383, 16_384, 200_000})
  void anEntryWriteIsTheEntriesBodyOfItsEntryAndKnowsItsSize(int valueBytes) throws Exception {
    StateEntry e = entry(valueBytes == 200_000 ? 130 : 12, valueBytes);
    ClusterMessages.EntryWrite write = new ClusterMessages.EntryWrite(ClusterMessages.PURPOSE_WRITE, 5, e);
    WireWriter w = new WireWriter(4);
    write.writeTo(w);

    byte[] expected = ClusterMessages.entries(ClusterMessages.PURPOSE_WRITE, 5, List.of(e));
    assertThat(w.toByteArray()).isEqualTo(expected);
    assertThat(write.size()).isEqualTo(expected.length);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 127, 128, 300})
  void aBatchOfEntryWritesAndPrebuiltPartsReadsBackInOrder(int count) throws Exception {
    List<ClusterMessages.Outgoing> parts = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      parts.add(i % 3 == 2 ? new ClusterMessages.Part(ClusterMessages.TYPE_DELTA, new byte[i])
          : new ClusterMessages.EntryWrite(ClusterMessages.PURPOSE_WRITE, i, entry(1 + i % 40, i * 7 - 1)));
    }
    WireWriter w = new WireWriter(16);
    ClusterMessages.writeBatch(w, parts);
    byte[] body = w.toByteArray();
    assertThat(ClusterMessages.batchSize(parts)).isEqualTo(body.length);

    // Read from the middle of a larger buffer, as a receiver reads an opened frame.
    byte[] buf = new byte[body.length + 20];
    System.arraycopy(body, 0, buf, 10, body.length);
    List<ClusterMessages.Part> read = ClusterMessages.readBatch(buf, 10, body.length);
    assertThat(read).hasSize(count);
    for (int i = 0; i < count; i++) {
      ClusterMessages.Part p = read.get(i);
      assertThat(p.type()).isEqualTo(parts.get(i).type());
      if (parts.get(i) instanceof ClusterMessages.EntryWrite ew) {
        EntryCopy c = ClusterMessages.readEntries(p.buf(), p.off(), p.len(), CodecLimits.DEFAULT).entries().get(0);
        assertThat(c.key()).isEqualTo(ew.entry().key());
        assertThat(c.value()).isEqualTo(ew.entry().value());
        assertThat(c.version()).isEqualTo(ew.entry().version());
      } else {
        assertThat(p.len()).isEqualTo(i);
      }
    }
  }
}
