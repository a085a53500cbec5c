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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.Fragmentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several real nodes in one JVM, real JGroups on loopback, encrypted as by default unless a test says otherwise. */
class ClusterNodeTest {

  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(StateEntry e) {
    return e == null || e.value() == null ? null : new String(e.value(), StandardCharsets.UTF_8);
  }

  @Test
  void syncWriteIsOnEveryReplicaWhenPutReturns() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 3));
    for (int i = 0; i < 200; i++) {
      nodes.get(i % 3).put(b("k" + i), b("v" + i), 0);
      for (ClusterNode n : nodes) {
        // No waiting: the acknowledgement means every owner applied it.
        assertThat(str(n.get(b("k" + i)))).as("%s after write %d", n, i).isEqualTo("v" + i);
      }
    }
    assertThat(nodes.get(0).metrics().getAcks()).isGreaterThanOrEqualTo(2 * 67);
    assertThat(nodes.get(0).metrics().getAckTimeouts()).isZero();
  }

  @Test
  void asyncWritesArrive() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "async"), 3));
    for (int i = 0; i < 500; i++) {
      nodes.get(0).put(b("k" + i), b("v" + i), 0);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (ClusterNode n : nodes) {
        assertThat(str(n.get(b("k499")))).isEqualTo("v499");
      }
    });
    for (ClusterNode n : nodes) {
      for (int i = 0; i < 500; i++) {
        assertThat(str(n.get(b("k" + i)))).isEqualTo("v" + i);
      }
    }
  }

  /**
   * Writes queued faster than they are sent go out in full batches, each one datagram; a write
   * larger than a fragment goes in fragments. Every copy arrives whole either way, sealed and in
   * plaintext (where a receiver reads the writes straight from the datagram).
   */
  @ParameterizedTest
  @ValueSource(strings = {"on", "none"})
  void fullBatchesGoUnfragmentedAndLargeWritesArriveWhole(String encryption) throws Exception {
    Map<String, String> cluster = TestClusters.withEncryption(newCluster("replicated", "async"), encryption);
    nodes.addAll(startAll(cluster, 3));
    Fragmentation frag = TestClusters.channel(nodes.get(0)).getProtocolStack().findProtocol(Fragmentation.class);
    for (int i = 0; i < 3000; i++) {
      nodes.get(0).put(b("k" + i), filled(1024, i), 0);
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (ClusterNode n : nodes) {
        assertThat(n.metrics().getOwnedEntries()).isEqualTo(3000);
      }
    });
    assertThat(nodes.get(0).metrics().getWriteMessages()).as("batched").isLessThan(3000);
    assertThat(frag.getNumberOfSentFragments()).as("fragments of full batches").isZero();

    int[] sizes = {frag.getFragSize() - 100, frag.getFragSize() + 100, 5 * frag.getFragSize()};
    for (int size : sizes) {
      nodes.get(0).put(b("big" + size), filled(size, size), 0);
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (ClusterNode n : nodes) {
        for (int size : sizes) {
          StateEntry e = n.get(b("big" + size));
          assertThat(e).as("%s, %d bytes", n, size).isNotNull();
          assertThat(e.value()).isEqualTo(filled(size, size));
        }
      }
    });
    assertThat(frag.getNumberOfSentFragments()).isPositive();
    for (ClusterNode n : nodes) {
      assertThat(n.metrics().getRejectedMessages()).isZero();
    }
  }

  /**
   * The bundled tcp stack (TCP and TCPPING, for networks without multicast), sealed and in
   * plaintext: sync writes from every node are on every node when they return, and a write larger
   * than a fragment arrives whole.
   */
  @ParameterizedTest
  @ValueSource(strings = {"on", "none"})
  void theTcpStackReplicatesWithoutMulticast(String encryption) throws Exception {
    Map<String, String> cluster = TestClusters.onTcp(TestClusters.withEncryption(newCluster("replicated", "sync"),
        encryption), 3);
    for (int i = 0; i < 3; i++) {
      nodes.add(TestClusters.start(cluster, "n" + (i + 1), Map.of("tcpPort", TestClusters.tcpPort(cluster, i))));
    }
    TestClusters.awaitViewSize(nodes, 3);
    for (int i = 0; i < 30; i++) {
      nodes.get(i % 3).put(b("k" + i), b("v" + i), 0);
      for (ClusterNode n : nodes) {
        assertThat(str(n.get(b("k" + i)))).as("%s after write %d", n, i).isEqualTo("v" + i);
      }
    }
    byte[] big = filled(300_000, 1);
    nodes.get(0).put(b("big"), big, 0);
    for (ClusterNode n : nodes) {
      assertThat(n.get(b("big")).value()).isEqualTo(big);
    }
  }

  private static byte[] filled(int size, int seed) {
    byte[] v = new byte[size];
    new java.util.Random(seed).nextBytes(v);
    return v;
  }

  @Test
  void deleteReachesEveryNodeAndALateCopyDoesNotBringItBack() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 3));
    StateEntry written = nodes.get(0).put(b("cart"), b("3 items"), 0);
    nodes.get(1).remove(b("cart"));
    for (ClusterNode n : nodes) {
      assertThat(n.get(b("cart"))).isNull();
      assertThat(n.getOrPull(b("cart"))).as("a known delete is not pulled back").isNull();
    }
    // Replay the original write into node 3, as a late or replayed message would.
    ((Engine) nodes.get(2)).forward(written);
    assertThat(nodes.get(2).get(b("cart"))).isNull();
  }

  @Test
  void concurrentWritesFromTwoNodesConvergeIdentically() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "async"), 3));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> f = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        ClusterNode writer = nodes.get(w);
        int id = w;
        f.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 300; i++) {
            writer.put(b("shared" + (i % 10)), b("w" + id + "-" + i), 0);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> x : f) {
        x.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int k = 0; k < 10; k++) {
        StateEntry a = nodes.get(0).get(b("shared" + k));
        for (ClusterNode n : nodes) {
          StateEntry e = n.get(b("shared" + k));
          assertThat(e.version()).isEqualTo(a.version());
          assertThat(e.origin()).isEqualTo(a.origin());
          assertThat(str(e)).isEqualTo(str(a));
        }
      }
    });
  }

  @Test
  void joiningNodeReceivesEverythingBeforeItIsReady() throws Exception {
    Map<String, String> cluster = newCluster("replicated", "sync");
    nodes.addAll(startAll(cluster, 2));
    for (int i = 0; i < 3000; i++) {
      nodes.get(i % 2).put(b("k" + i), new byte[300], 0);
    }
    nodes.get(0).remove(b("k7"));
    ClusterNode joiner = TestClusters.start(cluster, "n3", Map.of());
    nodes.add(joiner);
    // start() returned: the portion is here without any waiting.
    for (int i = 0; i < 3000; i++) {
      if (i != 7) {
        assertThat(joiner.get(b("k" + i))).as("k" + i).isNotNull();
      }
    }
    assertThat(joiner.get(b("k7"))).isNull();
    assertThat(joiner.metrics().getOwnedEntries()).as("tombstone included").isEqualTo(3000);
    long pushed = nodes.get(0).metrics().getRebalancedEntries() + nodes.get(1).metrics().getRebalancedEntries();
    assertThat(pushed).as("each entry sent by one member only").isEqualTo(3000);
  }

  @Test
  void accessOnOneNodeKeepsTheEntryAliveOnTheOthers() throws Exception {
    nodes.addAll(startAll(newCluster("replicated", "sync"), 2));
    nodes.get(0).put(b("session"), b("x"), 60_000);
    long before = nodes.get(1).get(b("session")).lastAccessMillis();
    await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > before + 5);
    assertThat(nodes.get(0).touch(b("session"))).isTrue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(nodes.get(1).get(b("session")).lastAccessMillis()).isGreaterThan(before));
  }
}
