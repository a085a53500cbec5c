package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.state.StateEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Partitioned and tiered placement, rebalancing and pull on miss, with real nodes. */
class TopologyTest {

  private static final int KEYS = 2000;
  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private int copies(String key) {
    int n = 0;
    for (ClusterNode node : nodes) {
      StateEntry e = node.get(b(key));
      n += e != null ? 1 : 0;
    }
    return n;
  }

  @Test
  void partitionedKeepsTwoCopiesAndAJoinerTakesOnlyItsShare() throws Exception {
    Map<String, String> cluster = newCluster("partitioned", "sync");
    nodes.addAll(startAll(cluster, 3));
    for (int i = 0; i < KEYS; i++) {
      nodes.get(i % 3).put(b("k" + i), b("v" + i), 0);
    }
    long owned = 0;
    for (ClusterNode n : nodes) {
      owned += n.metrics().getOwnedEntries();
    }
    assertThat(owned).as("two owned copies per key").isEqualTo(2L * KEYS);
    for (ClusterNode n : nodes) {
      assertThat(n.metrics().getOwnedEntries()).as("each node holds only its portion")
          .isBetween((long) (KEYS * 2 / 3 * 0.85), (long) (KEYS * 2 / 3 * 1.15));
    }

    ClusterNode joiner = TestClusters.start(cluster, "n4", Map.of());
    nodes.add(joiner);
    TestClusters.awaitViewSize(nodes, 4);
    long moved = 0;
    for (ClusterNode n : nodes) {
      moved += n.metrics().getRebalancedEntries();
    }
    // Rendezvous hashing: the joiner takes over 1/4 of all copies and nothing else moves.
    assertThat((double) moved / (2.0 * KEYS)).isBetween(0.20, 0.30);
    assertThat(joiner.metrics().getOwnedEntries()).isEqualTo(moved);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      long total = 0;
      for (ClusterNode n : nodes) {
        total += n.metrics().getOwnedEntries();
      }
      assertThat(total).as("after the move, still exactly two owned copies per key").isEqualTo(2L * KEYS);
    });
  }

  @Test
  void partitionedRecreatesTheSecondCopyWhenAnOwnerLeaves() throws Exception {
    nodes.addAll(startAll(newCluster("partitioned", "sync"), 3));
    for (int i = 0; i < KEYS; i++) {
      nodes.get(0).put(b("k" + i), b("v" + i), 0);
    }
    ClusterNode gone = nodes.remove(2);
    gone.close();
    TestClusters.awaitViewSize(nodes, 2);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int i = 0; i < KEYS; i += 7) {
        assertThat(copies("k" + i)).as("k" + i).isEqualTo(2);
      }
      long owned = nodes.get(0).metrics().getOwnedEntries() + nodes.get(1).metrics().getOwnedEntries();
      assertThat(owned).isEqualTo(2L * KEYS);
    });
  }

  /**
   * Sealed and in plaintext: a pull's reply reaches the puller as a message of its request's type,
   * and must be taken as bytes (regression: plaintext replies were read as writes and lost).
   */
  @ParameterizedTest
  @ValueSource(strings = {"on", "none"})
  void nonOwnerPullsOnMissAndCachesTheAnswer(String encryption) throws Exception {
    Map<String, String> cluster = TestClusters.withEncryption(newCluster("partitioned", "sync"), encryption);
    nodes.addAll(startAll(cluster, 3));
    // Find a key that n3 does not own.
    String key = null;
    for (int i = 0; key == null; i++) {
      nodes.get(0).put(b("p" + i), b("value" + i), 0);
      if (nodes.get(2).get(b("p" + i)) == null) {
        key = "p" + i;
      }
    }
    ClusterNode reader = nodes.get(2);
    StateEntry pulled = reader.getOrPull(b(key));
    assertThat(pulled).isNotNull();
    assertThat(new String(pulled.value(), StandardCharsets.UTF_8)).isEqualTo("value" + key.substring(1));
    assertThat(reader.metrics().getPulls()).isEqualTo(1);
    assertThat(reader.get(b(key))).as("cached after the pull").isNotNull();
    assertThat(reader.getOrPull(b("never-written"))).isNull();
    assertThat(reader.metrics().getPullMisses()).isEqualTo(1);
  }

  @Test
  void tieredEdgesAskTheRepositoryAndTheRepositoryFeedsAHigherOne() throws Exception {
    // Level 2: a repository cluster of its own.
    Map<String, String> top = newCluster("tiered", "sync");
    ClusterNode topRepo = TestClusters.start(top, "top", Map.of("role", "repository"));
    nodes.add(topRepo);
    // Level 1: two edges and a repository that forwards to level 2.
    Map<String, String> cluster = newCluster("tiered", "sync");
    Map<String, String> upstream = Map.of(
        "upstream.clusterName", top.get("clusterName"),
        "upstream.mcastAddress", top.get("mcastAddress"),
        "upstream.mcastPort", top.get("mcastPort"),
        "upstream.stateTransferTimeout", "10000");
    Map<String, String> repoSettings = new java.util.HashMap<>(upstream);
    repoSettings.put("role", "repository");
    ClusterNode repo = TestClusters.start(cluster, "repo", repoSettings);
    ClusterNode edge1 = TestClusters.start(cluster, "edge1", Map.of("role", "edge"));
    ClusterNode edge2 = TestClusters.start(cluster, "edge2", Map.of("role", "edge"));
    nodes.addAll(List.of(repo, edge1, edge2));
    TestClusters.awaitViewSize(List.of(repo, edge1, edge2), 3);
    TestClusters.awaitViewSize(List.of(topRepo), 2);

    edge1.put(b("session-1"), b("cart=2"), 0);
    assertThat(repo.get(b("session-1"))).as("sync write acknowledged by the repository").isNotNull();
    assertThat(edge2.get(b("session-1"))).as("edges hold only what they serve").isNull();
    assertThat(edge2.getOrPull(b("session-1"))).isNotNull();
    assertThat(edge2.metrics().getPullHits()).isEqualTo(1);
    assertThat(edge2.metrics().getOwnedEntries()).isZero();
    assertThat(edge2.metrics().getNearEntries()).isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(topRepo.get(b("session-1"))).as("forwarded to the higher repository").isNotNull());
    // An entry only the top repository has is found through the chain.
    topRepo.put(b("archived"), b("old-session"), 0);
    assertThat(edge1.getOrPull(b("archived"))).isNotNull();
  }
}
