package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settings for test clusters on loopback. Each cluster gets its own multicast group and port,
 * derived from the process id and a counter, so tests and parallel test JVMs never hear each other
 * (a shared group would silently merge them).
 */
public final class TestClusters {

  public static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final long PID = ProcessHandle.current().pid();

  private TestClusters() {}

  /** A fresh cluster name with its own multicast group and port. */
  public static Map<String, String> newCluster(String topology, String writeMode) {
    int seq = SEQ.incrementAndGet();
    int slot = (int) ((PID * 31 + seq) % 4000);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("clusterName", "test-" + PID + "-" + seq);
    p.put("bindAddress", "127.0.0.1");
    p.put("mcastAddress", "239.77." + (slot / 250) + "." + (1 + slot % 250));
    p.put("mcastPort", Integer.toString(46000 + slot));
    p.put("topology", topology);
    p.put("writeMode", writeMode);
    p.put("secret", SECRET);
    p.put("stateTransferTimeout", "10000");
    return p;
  }

  /** {@code cluster} with {@code encryption} ({@code on}, the default, or {@code none}: plaintext, without a secret). */
  public static Map<String, String> withEncryption(Map<String, String> cluster, String encryption) {
    cluster.put("encryption", encryption);
    if (encryption.equals("none")) {
      cluster.remove("secret");
    }
    return cluster;
  }

  /**
   * {@code cluster} on the bundled tcp stack, with {@code nodes} ports of its own in
   * {@code initialHosts}; node {@code i} (from 0) takes {@link #tcpPort}{@code (cluster, i)}.
   */
  public static Map<String, String> onTcp(Map<String, String> cluster, int nodes) {
    int base = 20_000 + (int) ((PID * 31 + SEQ.incrementAndGet()) % 4000) * 10;
    StringBuilder hosts = new StringBuilder();
    for (int i = 0; i < nodes; i++) {
      hosts.append(i == 0 ? "" : ",").append("127.0.0.1[").append(base + i).append(']');
    }
    cluster.put("stack", "tcp");
    cluster.put("initialHosts", hosts.toString());
    cluster.put("tcpPort", Integer.toString(base));
    return cluster;
  }

  /** The tcp port of node {@code i} of a cluster made by {@link #onTcp}. */
  public static String tcpPort(Map<String, String> cluster, int i) {
    return Integer.toString(Integer.parseInt(cluster.get("tcpPort").split(",")[0]) + i);
  }

  public static ClusterNode start(Map<String, String> cluster, String nodeName, Map<String, String> extra) throws Exception {
    Map<String, String> p = new LinkedHashMap<>(cluster);
    p.put("nodeName", nodeName);
    p.putAll(extra);
    return ClusterNode.start(ClusterSettings.from(p));
  }

  public static List<ClusterNode> startAll(Map<String, String> cluster, int n) throws Exception {
    List<ClusterNode> nodes = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      nodes.add(start(cluster, "n" + i, Map.of()));
    }
    awaitViewSize(nodes, n);
    return nodes;
  }

  /** A missing multicast route gives singleton clusters, not an error: always check the view. */
  public static void awaitViewSize(List<ClusterNode> nodes, int n) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (ClusterNode node : nodes) {
        assertThat(node.memberNames()).as(node.toString()).hasSize(n);
      }
    });
  }

  /** The JGroups channel of a node, for tests that inject faults into its stack. */
  static org.jgroups.JChannel channel(ClusterNode node) {
    return ((JGroupsTransport) ((Engine) node).transport()).channel();
  }

  /**
   * A bare JGroups channel that a node of {@code cluster} could use (its sealed transport and AUTH,
   * keyed from the secret), without Baton on top: a member that may send whatever it likes.
   */
  static org.jgroups.JChannel memberChannel(Map<String, String> cluster, String name) throws Exception {
    Map<String, String> p = new LinkedHashMap<>(cluster);
    p.put("nodeName", name);
    ClusterSettings s = ClusterSettings.from(p);
    org.jgroups.JChannel ch = ChannelFactory.create(s, s.encrypted() ? s.keys().get(0) : null);
    if (s.encrypted()) {
      ((SealedTransport) ch.getProtocolStack().getTransport()).seal(new dev.baton.wire.Envelope(
          s.keys().stream().map(dev.baton.wire.KeyMaterial::envelopeMaster).toList()), (e, from) -> { });
    }
    ch.name(name);
    return ch;
  }

  /** The table of entries a node owns, for tests that need a node to lose a copy. */
  static dev.baton.cache.StateTable ownedTable(ClusterNode node) {
    return ((Engine) node).store().owned();
  }

  public static void closeAll(List<ClusterNode> nodes) {
    for (ClusterNode n : nodes) {
      n.close();
    }
  }
}
