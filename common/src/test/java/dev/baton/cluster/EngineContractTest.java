package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cache.StateTable;
import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One set of scenarios over the engine's configuration space (topology × write mode × encryption ×
 * stack), with the engine's invariants checked after each scenario:
 * <ol>
 *   <li>no node holds a key in both of its tables;</li>
 *   <li>a node's owned table holds only keys it owns by its current view;</li>
 *   <li>every owner of a key holds its winning write (value or tombstone): the newest, except that
 *       a delete wins over every write of the incarnation it deleted, so a session logged out on
 *       one side of a partition and written on the other is gone everywhere after the heal;</li>
 *   <li>no node holds a write newer than the newest one made (nothing is invented);</li>
 *   <li>without a partition, no node holds a live copy of a deleted key (nothing resurrects).</li>
 * </ol>
 * By default a pairwise subset of the configurations runs (every pair of two factors' values is in
 * some configuration); the Maven profile {@code full-matrix} ({@code -Dbaton.fullMatrix=true}) runs all of them. The {@code memory} stack
 * is the engine over {@link InMemoryNetwork}; it alone also runs a partition and its heal.
 */
class EngineContractTest {

  record Config(String topology, String writeMode, String encryption, String stack) {
    @Override
    public String toString() {
      return topology + ", " + writeMode + ", encryption=" + encryption + ", " + stack;
    }
  }

  static Stream<Config> configurations() {
    if (Boolean.getBoolean("baton.fullMatrix")) {
      List<Config> all = new ArrayList<>();
      for (String t : List.of("replicated", "partitioned", "tiered")) {
        for (String w : List.of("sync", "async")) {
          for (String e : List.of("on", "none")) {
            for (String s : List.of("memory", "udp", "tcp")) {
              all.add(new Config(t, w, e, s));
            }
          }
        }
      }
      return all.stream();
    }
    return Stream.of(
        new Config("replicated", "sync", "on", "memory"), new Config("replicated", "async", "none", "udp"),
        new Config("replicated", "sync", "none", "tcp"), new Config("partitioned", "async", "none", "memory"),
        new Config("partitioned", "sync", "on", "udp"), new Config("partitioned", "async", "on", "tcp"),
        new Config("tiered", "sync", "none", "memory"), new Config("tiered", "async", "on", "udp"),
        new Config("tiered", "sync", "on", "tcp"));
  }

  private final List<ClusterNode> nodes = new ArrayList<>();
  /** The newest write of every key written, tombstones included. */
  private final Map<String, StateEntry> newest = new ConcurrentHashMap<>();
  private InMemoryNetwork network;
  private Map<String, String> cluster;
  private Config config;

  @AfterEach
  void close() {
    TestClusters.closeAll(nodes);
    if (network != null) {
      network.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void scenariosKeepTheInvariants(Config c) throws Exception {
    config = c;
    cluster = TestClusters.withEncryption(TestClusters.newCluster(c.topology(), c.writeMode()), c.encryption());
    cluster.put("syncTimeout", "5000");
    if (c.stack().equals("tcp")) {
      TestClusters.onTcp(cluster, 4);
    } else if (c.stack().equals("memory")) {
      network = new InMemoryNetwork();
    }
    for (int i = 0; i < 3; i++) {
      nodes.add(start(i));
    }
    TestClusters.awaitViewSize(nodes, 3);

    for (int n = 0; n < 3; n++) {
      for (int k = 0; k < 40; k++) {
        write(nodes.get(n), "w" + n + "-" + k, "v" + k);
      }
    }
    check("writes from every node", true);

    for (int k = 0; k < 40; k += 3) {
      remove(nodes.get(k % 3), "w" + (k % 3) + "-" + k);
    }
    check("deletes", true);

    concurrentWrites(nodes.get(0), nodes.get(1));
    check("concurrent writes of the same keys from two nodes", true);

    nodes.add(start(3));
    TestClusters.awaitViewSize(nodes, 4);
    check("a node joins", true);

    ClusterNode gone = nodes.remove(2); // an edge in the tiered topology: n1 is its repository
    gone.close();
    TestClusters.awaitViewSize(nodes, 3);
    check("a node leaves", true);

    // A late copy of an old write: handed to the owners again after its delete (as a repository's
    // link forwards copies), and, on the in-memory network, its very frames delivered again.
    List<byte[]> frames = network != null ? network.record("n2") : null;
    StateEntry old = nodes.get(1).put(b("late"), b("first"), 0);
    if (frames != null) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !frames.isEmpty());
    }
    remember("late", old);
    remove(nodes.get(0), "late");
    for (ClusterNode n : nodes) {
      Engine e = (Engine) n;
      if (e.view().owns(e.view().current(), e.store().hashOf(b("late")))) {
        e.forward(old);
      }
    }
    if (frames != null) {
      network.replay("n2", frames);
    }
    check("a late copy of an old write", true);

    if (network != null) {
      network.partition(List.of(Set.of("n1"), Set.of("n2", "n4")));
      await().atMost(Duration.ofSeconds(10)).until(() -> nodes.get(0).memberNames().size() == 1);
      write(nodes.get(0), "split", "one side");
      write(nodes.get(1), "split", "other side");
      remove(nodes.get(1), "w1-5");
      write(nodes.get(0), "w1-5", "written on the side that did not see the delete");
      write(nodes.get(0), "only-n1", "x");
      network.heal();
      TestClusters.awaitViewSize(nodes, 3);
      check("a partition heals", false);
    }
  }

  private ClusterNode start(int i) throws Exception {
    Map<String, String> p = new LinkedHashMap<>(cluster);
    p.put("nodeName", "n" + (i + 1));
    if (config.topology().equals("tiered")) {
      p.put("role", i == 0 ? "repository" : "edge");
    }
    if (config.stack().equals("tcp")) {
      p.put("tcpPort", TestClusters.tcpPort(cluster, i));
    }
    return network != null ? Engine.start(ClusterSettings.from(p), network.transports())
        : ClusterNode.start(ClusterSettings.from(p));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void write(ClusterNode n, String key, String value) {
    remember(key, n.put(b(key), b(value), 0));
  }

  private void remove(ClusterNode n, String key) {
    remember(key, n.remove(b(key)));
  }

  private void remember(String key, StateEntry written) {
    newest.merge(key, written, (a, b) -> Versions.supersedes(b, a) ? b : a);
  }

  private void concurrentWrites(ClusterNode a, ClusterNode b) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (ClusterNode writer : List.of(a, b)) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 100; i++) {
            write(writer, "shared" + i % 10, writer.settings().nodeName() + "-" + i);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until the invariants hold on every node (at once for sync writes, eventually for async). */
  private void check(String scenario, boolean noPartitionHappened) {
    await(config + ": " + scenario).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (ClusterNode node : nodes) {
        Engine e = (Engine) node;
        StateTable owned = e.store().owned();
        StateTable near = e.store().near();
        Membership m = e.view().current();
        for (Map.Entry<String, StateEntry> kv : newest.entrySet()) {
          byte[] key = b(kv.getKey());
          StateEntry want = kv.getValue();
          String where = node + ", key " + kv.getKey();
          StateEntry inOwned = owned.getAnyEntry(key);
          StateEntry inNear = near.getAnyEntry(key);
          assertThat(inOwned == null || inNear == null).as("%s: in both tables", where).isTrue();
          boolean owner = e.view().owns(m, owned.hashOf(key));
          assertThat(inOwned == null || owner).as("%s: owned table, not an owner", where).isTrue();
          StateEntry held = inOwned != null ? inOwned : inNear;
          if (owner) {
            assertThat(held).as("%s: the owner holds it", where).isNotNull();
            assertThat(held.version()).as("%s: the newest version", where).isEqualTo(want.version());
            assertThat(held.origin()).as("%s: the newest write's origin", where).isEqualTo(want.origin());
            assertThat(held.value()).as("%s: the newest value", where).isEqualTo(want.value());
          }
          if (held != null) {
            assertThat(Versions.isNewer(held, want)).as("%s: newer than any write made", where).isFalse();
          }
          if (want.isTombstone() && noPartitionHappened) {
            assertThat(node.get(key)).as("%s: a deleted key is live", where).isNull();
          }
        }
      }
    });
  }
}
