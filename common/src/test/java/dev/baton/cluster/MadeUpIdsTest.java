package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client sending session ids that exist nowhere, fast: on a three-node replicated cluster, each
 * made-up id would be a pull from both other members. Once they come faster than the budget, each
 * costs one; one repeated id costs no pull while it is remembered; a real id is still found.
 */
class MadeUpIdsTest {

  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void madeUpIdsCostAtMostOneClusterMessageEachOnceTheyComeFast() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 3));
    ClusterNode target = nodes.get(0);
    nodes.get(1).put(b("real-session"), b("cart: tea"), 60_000);

    for (int i = 0; i < 10_000 && target.metrics().getPullsNarrowed() == 0; i++) {
      assertThat(target.getOrPull(b("made-up-" + i))).isNull();
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(target.getOrPull(b("flood-" + i))).isNull();
    }
    for (int i = 0; i < 100; i++) {
      assertThat(target.getOrPull(b("the-same-made-up-id"))).isNull();
    }
    assertThat(target.getOrPull(b("real-session"))).as("a real id during the flood").isNotNull();

    NodeMetrics m = target.metrics();
    long answered = nodes.get(1).metrics().getPullsAnswered() + nodes.get(2).metrics().getPullsAnswered();
    assertThat(m.getPullsNarrowed()).as("pulls that asked one member, not two").isPositive();
    assertThat(answered).as("every pull asked both others, except the narrowed ones")
        .isEqualTo(2 * m.getPulls() - m.getPullsNarrowed());
    assertThat(m.getPullsAvoided()).as("a repeated unknown id, not pulled again at once").isPositive();
  }
}
