package dev.baton.tls;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ring on real JGroups channels: one writer, every node installs the same keys. */
class TicketKeyRotationTest {

  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<TicketKeyRotation> rotations = new ArrayList<>();

  @AfterEach
  void close() {
    rotations.forEach(TicketKeyRotation::close);
    closeAll(nodes);
  }

  @Test
  void everyNodeInstallsTheCoordinatorsRingAndASurvivorKeepsRotating() throws Exception {
    Map<String, String> cluster = newCluster("partitioned", "sync");
    Map<String, String> fast = Map.of("tlsKeyRotation", "1000", "tlsTicketLifetime", "2000");
    for (String name : List.of("n1", "n2", "n3")) {
      nodes.add(start(cluster, name, fast));
    }
    TestClusters.awaitViewSize(nodes, 3);
    List<AtomicReference<TicketKeyRing>> installed = new ArrayList<>();
    for (ClusterNode n : nodes) {
      TicketKeyRotation r = TicketKeyRotation.acquire(n);
      rotations.add(r);
      AtomicReference<TicketKeyRing> seen = new AtomicReference<>();
      r.addInstaller((ring, now) -> seen.set(ring));
      installed.add(seen);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      TicketKeyRing first = installed.get(0).get();
      assertThat(first).isNotNull();
      assertThat(installed).allSatisfy(s -> assertThat(s.get()).isEqualTo(first));
    });
    assertThat(TicketKeyRotation.acquire(nodes.get(1))).as("one rotation per node").isSameAs(rotations.get(1));
    rotations.get(1).close();

    // The coordinator dies; the next coordinator writes the keys from now on.
    TicketKey before = installed.get(1).get().current(System.currentTimeMillis());
    rotations.remove(0).close();
    nodes.remove(0).close();
    installed.remove(0);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      long now = System.currentTimeMillis();
      TicketKey current = installed.get(0).get().current(now);
      assertThat(current).isNotEqualTo(before);
      assertThat(current.encryptUntil()).isGreaterThan(now);
      assertThat(installed.get(1).get()).isEqualTo(installed.get(0).get());
    });
  }
}
