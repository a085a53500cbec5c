package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sync write whose owner the failure detection suspects before it answered: the owner counts as
 * gone only once a view drops it. A suspicion alone (a slow member, or a failure detector still
 * connecting to a member that has just joined) used to pass for an acknowledgement, so a response
 * could leave before that owner had the write, and a request sent to it at once did not find it.
 */
class SuspicionTest {

  private final List<ClusterNode> nodes = new ArrayList<>();
  private InMemoryNetwork network;

  @AfterEach
  void close() {
    TestClusters.closeAll(nodes);
    network.close();
  }

  @Test
  void aSuspectedOwnerStillInTheViewDoesNotAcknowledgeAWrite() throws Exception {
    network = new InMemoryNetwork();
    Map<String, String> cluster = TestClusters.newCluster("replicated", "sync");
    cluster.put("syncTimeout", "500");
    cluster.put("syncMissesToExclude", "0");
    for (int i = 1; i <= 3; i++) {
      Map<String, String> p = new LinkedHashMap<>(cluster);
      p.put("nodeName", "n" + i);
      nodes.add(Engine.start(ClusterSettings.from(p), network.transports()));
    }
    TestClusters.awaitViewSize(nodes, 3);
    network.suspectFalsely("n3");
    byte[] key = "order".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> nodes.get(0).put(key, key, 0))
        .as("n3 never had the write: it is not reported replicated").isInstanceOf(ReplicationException.class);
    assertThat(nodes.get(2).get(key)).isNull();
    assertThat(nodes.get(1).get(key)).as("the owner that answered has it").isNotNull();
  }
}
