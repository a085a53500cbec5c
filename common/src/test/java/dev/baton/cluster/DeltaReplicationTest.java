package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.StateKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writes of a kind whose values merge, travelling as their change against a base: the engine
 * merges deltas through the merger the kind registered, fetches the whole value wherever that
 * cannot be done, and merges a local write made from an older value with what arrived since. The
 * merger here is a set union: values are sets of ints (four bytes each, ascending), a change is the
 * ints it adds.
 */
class DeltaReplicationTest {

  private static final Merger UNION = (held, incoming, limits) -> {
    TreeSet<Integer> all = ints(held);
    return all.addAll(ints(incoming)) ? bytes(all) : held;
  };

  private final List<ClusterNode> nodes = new ArrayList<>();
  private final byte[] key = new StateKey(StateKind.TRANSFER, "/shop", "upload-1").toBytes();

  @AfterEach
  void close() {
    closeAll(nodes);
  }

  private static StateEntry change(ClusterNode writer, byte[] key, StateEntry base, int added) throws Exception {
    byte[] delta = bytes(List.of(added));
    return writer.write(WriteRequest.put(key, UNION.merge(base.value(), delta, null), 0).delta(base, delta)
        .mode(WriteMode.SYNC)).awaitReplicated();
  }

  private static TreeSet<Integer> ints(byte[] b) {
    TreeSet<Integer> s = new TreeSet<>();
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      s.add(buf.getInt());
    }
    return s;
  }

  private static byte[] bytes(Collection<Integer> ints) {
    ByteBuffer buf = ByteBuffer.allocate(ints.size() * 4);
    new TreeSet<>(ints).forEach(buf::putInt);
    return buf.array();
  }

  private static byte[] range(int n) {
    return bytes(IntStream.range(0, n).boxed().toList());
  }

  @Test
  void aReceiverOnTheBaseMergesTheDeltaAndOneOffItFetchesTheWholeValue() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 3));
    nodes.forEach(n -> n.registerMerger(StateKind.TRANSFER, UNION));
    ClusterNode a = nodes.get(0);
    StateEntry base = a.put(key, range(5000), 0, WriteMode.SYNC);
    // c loses its copy, so the delta cannot apply there.
    TestClusters.ownedTable(nodes.get(2)).discard(key, null);

    long bytesBefore = a.metrics().getBytesSent();
    StateEntry written = change(a, key, base, 7_000);
    assertThat(a.metrics().getBytesSent() - bytesBefore).as("the 20 KB base did not travel").isLessThan(1000);
    assertThat(nodes.get(1).metrics().getDeltasApplied()).isEqualTo(1);
    assertThat(nodes.get(2).metrics().getDeltaFallbacks()).isEqualTo(1);
    for (ClusterNode n : nodes) {
      StateEntry e = n.get(key);
      assertThat(e.version()).as(n.toString()).isEqualTo(written.version());
      assertThat(ints(e.value())).hasSize(5001).contains(7_000);
    }
  }

  @Test
  void aDeltaOfAKindTheReceiverDoesNotKnowIsFetchedWhole() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 2));
    ClusterNode a = nodes.get(0);
    a.registerMerger(StateKind.TRANSFER, UNION); // the receiver registered nothing
    StateEntry base = a.put(key, bytes(List.of(1)), 0, WriteMode.SYNC);
    change(a, key, base, 2);
    assertThat(a.metrics().getDeltasSent()).isEqualTo(1);
    assertThat(nodes.get(1).metrics().getDeltaFallbacks()).isEqualTo(1);
    assertThat(ints(nodes.get(1).get(key).value())).containsExactly(1, 2);
  }

  @Test
  void whenTheWriterNoLongerHoldsTheBaseItMergesAndSendsTheWholeValue() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 2));
    nodes.forEach(n -> n.registerMerger(StateKind.TRANSFER, UNION));
    ClusterNode a = nodes.get(0);
    StateEntry base = a.put(key, bytes(List.of(1)), 0, WriteMode.SYNC);
    nodes.get(1).put(key, bytes(List.of(1, 5)), 0, WriteMode.SYNC); // a concurrent write elsewhere
    change(a, key, base, 6);
    assertThat(a.metrics().getDeltasSent()).isZero();
    for (ClusterNode n : nodes) {
      assertThat(ints(n.get(key).value())).as("neither write is lost on " + n).containsExactly(1, 5, 6);
    }
  }
}
