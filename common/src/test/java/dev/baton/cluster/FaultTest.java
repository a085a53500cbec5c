package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.state.StateEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Message loss and a network partition, injected with JGroups DISCARD on real channels. */
class FaultTest {

  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static DISCARD discard(ClusterNode n) throws Exception {
    ProtocolStack stack = TestClusters.channel(n).getProtocolStack();
    DISCARD d = stack.findProtocol(DISCARD.class);
    if (d == null) {
      d = new DISCARD();
      stack.insertProtocol(d, ProtocolStack.Position.ABOVE, TP.class);
      d.setAddress(TestClusters.channel(n).getAddress());
      d.init();
      d.start();
    }
    return d;
  }

  @Test
  void withFivePercentLossEveryWriteArrivesOnceAndInOrder() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "async"), 3));
    for (ClusterNode n : nodes) {
      discard(n).setUpDiscardRate(0.05).setDownDiscardRate(0.05);
    }
    int writes = 3000;
    int keys = 10;
    // 16 KB values: at most three writes to a message, so that the 3,000 writes take ~1,000
    // messages and the 5 % loss surely hits some (small writes queued up would travel in a handful
    // of batches). Ten keys written in turn: each key over and over, so a reordered or duplicated
    // delivery would show up as stale, but never twice in one message, where the newer write would
    // rightly replace the older.
    String padding = ":" + "x".repeat(16_000);
    long start = System.nanoTime();
    for (int i = 0; i < writes; i++) {
      nodes.get(0).put(b("seq" + i % keys), b(i + padding), 0);
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (ClusterNode n : nodes.subList(1, 3)) {
        assertThat(n.metrics().getCopiesApplied()).isEqualTo(writes);
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    for (ClusterNode n : nodes.subList(1, 3)) {
      assertThat(n.metrics().getCopiesStale()).as("no duplicate, no reordering").isZero();
      for (int k = 0; k < keys; k++) {
        assertThat(new String(n.get(b("seq" + k)).value(), StandardCharsets.UTF_8))
            .isEqualTo((writes - keys + k) + padding);
      }
      assertThat(n.metrics().getRetransmissionRequests()).as("NAKACK2 had to repair losses").isPositive();
    }
    System.out.printf("5%% loss each way: %d async writes delivered to 2 members in %.2f s (%.0f writes/s)%n",
        writes, seconds, writes / seconds);
  }

  /** Regression (CI run of stop 7): the last write of a burst, lost on the wire, waited for STABLE. */
  @Test
  void aLostLastWriteIsRepairedWithoutALaterWrite() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "async"), 2));
    ClusterNode writer = nodes.get(0);
    writer.put(b("k"), b("first"), 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.get(1).get(b("k")) != null);
    // The write and the next two multicasts (NAKACK2's first resends of the highest seqno, unless a
    // heartbeat goes between) are lost: with JGroups' default of one resend the write would wait
    // for STABLE (every 20 s); the stacks' six resends bring it.
    discard(writer).dropDownMulticasts(3);
    writer.put(b("k"), b("last"), 0);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(new String(nodes.get(1).get(b("k")).value(), StandardCharsets.UTF_8)).isEqualTo("last"));
  }

  @Test
  void afterAPartitionHealsEveryNodeHasTheNewestOfEachKey() throws Exception {
    // An operator stack file with fast failure detection and merging, to keep the test short.
    String udp = new String(ChannelFactory.class.getResourceAsStream("udp.xml").readAllBytes(), StandardCharsets.UTF_8)
        .replace("<MERGE3 max_interval=\"30s\" min_interval=\"10s\"/>", "<MERGE3 max_interval=\"3s\" min_interval=\"1s\"/>")
        .replace("<FD_ALL3 timeout=\"6s\" interval=\"1s\"/>", "<FD_ALL3 timeout=\"2s\" interval=\"500ms\"/>");
    Path stack = Files.createTempFile("baton-fast-merge", ".xml");
    Files.writeString(stack, udp);
    Map<String, String> cluster = newCluster("replicated", "sync");
    cluster.put("stack", stack.toString());
    cluster.put("syncTimeout", "500");
    nodes.addAll(startAll(cluster, 3));
    ClusterNode a = nodes.get(0);
    ClusterNode b = nodes.get(1);
    ClusterNode c = nodes.get(2);
    a.put(b("shared"), b("before"), 0);

    // Cut c off from a and b.
    discard(a).addIgnoreMember(TestClusters.channel(c).getAddress());
    discard(b).addIgnoreMember(TestClusters.channel(c).getAddress());
    discard(c).addIgnoredMembers(TestClusters.channel(a).getAddress(), TestClusters.channel(b).getAddress());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(a.memberNames()).hasSize(2);
      assertThat(c.memberNames()).hasSize(1);
    });

    a.put(b("only-ab"), b("written on the a-b side"), 0);
    c.put(b("only-c"), b("written on the c side"), 0);
    a.put(b("shared"), b("older"), 0);
    StateEntry newest = c.put(b("shared"), b("newest"), 0);
    a.remove(b("deleted-on-ab"));
    StateEntry zombie = c.put(b("deleted-on-ab"), b("zombie?"), 0);
    // Writes on two sides of a partition are concurrent; a delete made a clock tick later wins.
    await().atMost(Duration.ofSeconds(5)).until(() ->
        System.currentTimeMillis() > dev.baton.state.HybridClock.physicalMillis(zombie.version()) + 1);
    StateEntry delete = a.remove(b("deleted-on-ab"));

    assertThat(delete.version()).isGreaterThan(zombie.version());
    for (ClusterNode n : nodes) {
      discard(n).resetIgnoredMembers();
    }
    TestClusters.awaitViewSize(nodes, 3);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (ClusterNode n : nodes) {
        assertThat(n.get(b("only-ab"))).as(n + " only-ab").isNotNull();
        assertThat(n.get(b("only-c"))).as(n + " only-c").isNotNull();
        assertThat(n.get(b("shared")).version()).as(n + " shared").isEqualTo(newest.version());
        assertThat(n.get(b("deleted-on-ab"))).as(n + " the later delete wins").isNull();
        assertThat(n.getOrPull(b("deleted-on-ab"))).isNull();
      }
    });
  }

  /**
   * A member that keeps its heartbeats but stops applying (here: it receives nothing) stays in
   * JGroups' view; with the default {@code syncTimeoutAction=fail} the sync writes it does not
   * acknowledge fail instead of being reported replicated, and after {@code syncMissesToExclude} of
   * them in a row the writer has the coordinator remove it, so the others' writes carry on.
   */
  @Test
  void anOwnerThatStopsAcknowledgingIsRemovedAfterItsMissesAndWritesCarryOn() throws Exception {
    Map<String, String> cluster = TestClusters.newCluster("replicated", "sync");
    cluster.put("syncTimeout", "500");
    nodes.addAll(TestClusters.startAll(cluster, 3));
    ClusterNode writer = nodes.get(1); // not the coordinator: it asks the coordinator
    ClusterNode stuck = nodes.get(2);
    discard(stuck).setUpDiscardRate(1.0); // hears nothing, still sends its heartbeats
    for (int i = 0; i < 3; i++) {
      int n = i;
      assertThatThrownBy(() -> writer.put(b("order-" + n), b("paid"), 0))
          .as("a write the stuck owner did not apply is not reported as replicated")
          .isInstanceOf(ReplicationException.class);
    }
    assertThat(writer.metrics().getOwnersExcluded()).isEqualTo(1);
    String stuckName = stuck.settings().nodeName();
    await().atMost(Duration.ofSeconds(30)).until(() -> !writer.memberNames().contains(stuckName)
        && !nodes.get(0).memberNames().contains(stuckName));
    StateEntry e = writer.put(b("order-4"), b("paid"), 0);
    assertThat(nodes.get(0).get(b("order-4")).version()).isEqualTo(e.version());
  }
}
