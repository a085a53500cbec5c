package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.codec.CodecLimits;
import dev.baton.codec.SessionDelta;
import dev.baton.codec.SessionRecordCodec;
import dev.baton.state.SessionRecord;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeltaReplicationTest {

  private final List<ClusterNode> nodes = new ArrayList<>();
  private final SessionRecordCodec codec = new SessionRecordCodec(CodecLimits.DEFAULT);

  @AfterEach
  void close() {
    closeAll(nodes);
  }

  @Test
  void aReceiverOnTheBaseAppliesTheDeltaAndOneOffItFetchesTheWholeRecord() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 3));
    ClusterNode a = nodes.get(0);
    byte[] key = StateKey.httpSession(null, "/shop", "ABC123.n1").toBytes();
    SessionRecord v1 = new SessionRecord("ABC123", 1000, 1800);
    v1.attribute("catalog", new byte[20_000]);
    v1.attribute("cart", new byte[] {1});
    StateEntry base = a.put(key, codec.encode(v1), v1.maxIdleMillis(), WriteMode.SYNC);

    // c loses its copy, so the delta cannot apply there.
    nodes.get(2).ownedTable().discard(key, null);

    SessionRecord v2 = v1.copy();
    v2.attribute("cart", new byte[] {1, 2});
    SessionDelta delta = SessionDelta.between(v1, v2);
    long bytesBefore = a.metrics().getBytesSent();
    StateEntry written = a.putDelta(key, base, codec.encode(v2), delta.encode(), v2.maxIdleMillis(), WriteMode.SYNC);
    assertThat(a.metrics().getBytesSent() - bytesBefore).as("the 20 KB attribute did not travel").isLessThan(1000);

    ClusterNode b = nodes.get(1);
    ClusterNode c = nodes.get(2);
    assertThat(b.metrics().getDeltasApplied()).isEqualTo(1);
    assertThat(c.metrics().getDeltaFallbacks()).isEqualTo(1);
    for (ClusterNode n : nodes) {
      StateEntry e = n.get(key);
      assertThat(e.version()).isEqualTo(written.version());
      assertThat(codec.decode(e.value()).attribute("cart")).isEqualTo(new byte[] {1, 2});
      assertThat(codec.decode(e.value()).attribute("catalog")).hasSize(20_000);
    }
  }

  @Test
  void whenTheWriterNoLongerHoldsTheBaseTheWholeRecordIsSent() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 2));
    ClusterNode a = nodes.get(0);
    byte[] key = StateKey.httpSession(null, "/", "S1").toBytes();
    SessionRecord v1 = new SessionRecord("S1", 1, 0);
    StateEntry base = a.put(key, codec.encode(v1), 0, WriteMode.SYNC);
    SessionRecord other = v1.copy();
    other.attribute("other", new byte[] {5});
    nodes.get(1).put(key, codec.encode(other), 0, WriteMode.SYNC); // a concurrent request elsewhere
    SessionRecord v2 = v1.copy();
    v2.attribute("mine", new byte[] {6});
    a.putDelta(key, base, codec.encode(v2), SessionDelta.between(v1, v2).encode(), 0, WriteMode.SYNC);
    assertThat(a.metrics().getDeltasSent()).isZero();
    assertThat(codec.decode(nodes.get(1).get(key).value()).attribute("mine")).isEqualTo(new byte[] {6});
  }
}
