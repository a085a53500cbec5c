package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.StateKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writes that travel as their change against a base: the engine applies deltas through the applier
 * a kind registered, and fetches the whole value wherever that cannot be done. The applier here
 * appends the delta to the base.
 */
class DeltaReplicationTest {

  private static final DeltaApplier APPEND = (base, delta, limits) -> {
    byte[] out = Arrays.copyOf(base, base.length + delta.length);
    System.arraycopy(delta, 0, out, base.length, delta.length);
    return out;
  };

  private final List<ClusterNode> nodes = new ArrayList<>();
  private final byte[] key = new StateKey(StateKind.TRANSFER, "/shop", "upload-1").toBytes();

  @AfterEach
  void close() {
    closeAll(nodes);
  }

  private static StateEntry change(ClusterNode writer, byte[] key, StateEntry base, byte[] delta) throws Exception {
    return writer.write(WriteRequest.put(key, APPEND.apply(base.value(), delta, null), 0).delta(base, delta)
        .mode(WriteMode.SYNC)).awaitReplicated();
  }

  @Test
  void aReceiverOnTheBaseAppliesTheDeltaAndOneOffItFetchesTheWholeValue() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 3));
    nodes.forEach(n -> n.registerDeltas(StateKind.TRANSFER, APPEND));
    ClusterNode a = nodes.get(0);
    StateEntry base = a.put(key, new byte[20_000], 0, WriteMode.SYNC);
    // c loses its copy, so the delta cannot apply there.
    TestClusters.ownedTable(nodes.get(2)).discard(key, null);

    long bytesBefore = a.metrics().getBytesSent();
    StateEntry written = change(a, key, base, new byte[] {7});
    assertThat(a.metrics().getBytesSent() - bytesBefore).as("the 20 KB base did not travel").isLessThan(1000);
    assertThat(nodes.get(1).metrics().getDeltasApplied()).isEqualTo(1);
    assertThat(nodes.get(2).metrics().getDeltaFallbacks()).isEqualTo(1);
    for (ClusterNode n : nodes) {
      StateEntry e = n.get(key);
      assertThat(e.version()).as(n.toString()).isEqualTo(written.version());
      assertThat(e.value()).hasSize(20_001).endsWith(7);
    }
  }

  @Test
  void aDeltaOfAKindTheReceiverDoesNotKnowIsFetchedWhole() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 2));
    ClusterNode a = nodes.get(0);
    a.registerDeltas(StateKind.TRANSFER, APPEND); // the receiver registered nothing
    StateEntry base = a.put(key, new byte[] {1}, 0, WriteMode.SYNC);
    change(a, key, base, new byte[] {2});
    assertThat(a.metrics().getDeltasSent()).isEqualTo(1);
    assertThat(nodes.get(1).metrics().getDeltaFallbacks()).isEqualTo(1);
    assertThat(nodes.get(1).get(key).value()).containsExactly(1, 2);
  }

  @Test
  void whenTheWriterNoLongerHoldsTheBaseTheWholeValueIsSent() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 2));
    nodes.forEach(n -> n.registerDeltas(StateKind.TRANSFER, APPEND));
    ClusterNode a = nodes.get(0);
    StateEntry base = a.put(key, new byte[] {1}, 0, WriteMode.SYNC);
    nodes.get(1).put(key, new byte[] {1, 5}, 0, WriteMode.SYNC); // a concurrent write elsewhere
    change(a, key, base, new byte[] {6});
    assertThat(a.metrics().getDeltasSent()).isZero();
    assertThat(nodes.get(1).get(key).value()).containsExactly(1, 6);
  }
}
