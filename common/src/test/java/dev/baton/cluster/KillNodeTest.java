package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three node JVMs on loopback; one is killed with SIGKILL right after its writes were acknowledged
 * (no settle time). In sync mode not one acknowledged write may be missing on the survivors.
 */
class KillNodeTest {

  private static final int WRITES = 1000;
  private final List<RemoteNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (RemoteNode n : nodes) {
      n.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"replicated", "partitioned"})
  void noAcknowledgedWriteIsLostWhenTheWriterIsKilled(String topology) throws Exception {
    Map<String, String> cluster = TestClusters.newCluster(topology, "sync");
    for (String name : List.of("a", "b", "c")) {
      nodes.add(RemoteNode.launch(cluster, name, Map.of()));
    }
    for (RemoteNode n : nodes) {
      assertThat(n.next(60, "start")).isEqualTo("READY");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (RemoteNode n : nodes) {
        assertThat(n.call("members", 10).split(",")).as(n.name).hasSize(3);
      }
    });

    RemoteNode writer = nodes.get(0);
    assertThat(writer.call("write s 0 " + WRITES + " 512", 120)).isEqualTo("OK " + WRITES);
    writer.kill();

    for (RemoteNode survivor : nodes.subList(1, 3)) {
      assertThat(survivor.call("count s " + WRITES, 120)).as(survivor.name).isEqualTo("COUNT " + WRITES);
    }
    // The survivors carry on writing to each other.
    assertThat(nodes.get(1).call("write t 0 10 64", 60)).isEqualTo("OK 10");
    assertThat(nodes.get(2).call("count t 10", 60)).isEqualTo("COUNT 10");
  }
}
