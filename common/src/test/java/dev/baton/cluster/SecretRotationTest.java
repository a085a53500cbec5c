package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new secret rolled through a serving cluster in the three steps of docs/security.md, each a
 * rolling restart, with writes going on: no write is lost, and at the end a node that holds only the
 * old secret is refused.
 */
class SecretRotationTest {

  private static final String OLD = TestClusters.SECRET;
  private static final String NEW = Base64.getEncoder().encodeToString("a new secret, 32 bytes at least!".getBytes(StandardCharsets.US_ASCII));

  private final List<ClusterNode> nodes = new ArrayList<>();
  private int written;

  @AfterEach
  void close() {
    TestClusters.closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void writeSome() {
    for (int i = 0; i < 20; i++, written++) {
      nodes.get(written % nodes.size()).put(b("s" + written), b("v" + written), 0);
    }
  }

  private void everyWriteEverywhere() {
    for (ClusterNode n : nodes) {
      for (int i = 0; i < written; i++) {
        assertThat(n.get(b("s" + i))).as("%s, write %d", n, i).isNotNull();
      }
    }
  }

  /** Restarts every node in turn with {@code secrets}, writing before each restart. */
  private void rollingRestart(Map<String, String> cluster, String secrets) throws Exception {
    for (int i = 0; i < 3; i++) {
      writeSome();
      ClusterNode old = nodes.remove(i);
      old.close();
      nodes.add(i, TestClusters.start(cluster, "n" + (i + 1), Map.of("secret", secrets)));
      TestClusters.awaitViewSize(nodes, 3);
      everyWriteEverywhere();
    }
  }

  @Test
  void aNewSecretGoesThroughAServingClusterInThreeRollingRestarts() throws Exception {
    Map<String, String> cluster = TestClusters.newCluster("replicated", "sync");
    nodes.addAll(TestClusters.startAll(cluster, 3));
    rollingRestart(cluster, OLD + "," + NEW); // 1: every node opens both, seals with the old
    rollingRestart(cluster, NEW + "," + OLD); // 2: seals with the new
    rollingRestart(cluster, NEW);             // 3: the old opens nothing
    writeSome();
    everyWriteEverywhere();

    long refused = nodes.get(0).metrics().getRefusedUnknownKey() + nodes.get(0).metrics().getRefusedForged();
    try (ClusterNode stale = TestClusters.start(cluster, "stale", Map.of("secret", OLD))) {
      assertThat(stale.memberNames()).containsExactly("stale");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          nodes.get(0).metrics().getRefusedUnknownKey() + nodes.get(0).metrics().getRefusedForged() > refused);
      for (ClusterNode n : nodes) {
        assertThat(n.memberNames()).containsExactlyInAnyOrder("n1", "n2", "n3");
      }
    }
  }
}
