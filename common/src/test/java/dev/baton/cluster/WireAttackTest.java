package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A live three-node encrypted cluster and a {@link Stranger} on its network, without the secret:
 * everything the stranger sends is refused and counted before JGroups parses a byte of it, and the
 * cluster carries on as if nothing had been sent (the same members, replication as usual, nothing
 * applied). Each attack is what an outsider could do to the cluster's port before the envelope.
 */
class WireAttackTest {

  private final List<ClusterNode> nodes = new ArrayList<>();
  private Map<String, String> cluster;
  private String stack;
  private Stranger stranger;
  private int round;

  @AfterEach
  void close() throws Exception {
    if (stranger != null) {
      stranger.close();
    }
    TestClusters.closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void start(String stack, Map<String, String> extra) throws Exception {
    this.stack = stack;
    cluster = TestClusters.newCluster("replicated", "sync");
    cluster.putAll(extra);
    if (stack.equals("tcp")) {
      TestClusters.onTcp(cluster, 3);
    }
    for (int i = 0; i < 3; i++) {
      Map<String, String> own = stack.equals("tcp") ? Map.of("tcpPort", TestClusters.tcpPort(cluster, i)) : Map.of();
      nodes.add(TestClusters.start(cluster, "n" + (i + 1), own));
    }
    TestClusters.awaitViewSize(nodes, 3);
    stranger = new Stranger(cluster.get("mcastAddress"), Integer.parseInt(cluster.get("mcastPort")));
  }

  private static long refused(ClusterNode n) {
    NodeMetrics m = n.metrics();
    return m.getRefusedMalformed() + m.getRefusedUnknownKey() + m.getRefusedForged() + m.getRefusedReplayed()
        + m.getRefusedStale();
  }

  private long[] refusedNow() {
    return nodes.stream().mapToLong(WireAttackTest::refused).toArray();
  }

  /** Sends what a stranger built to every node: multicast on udp, down a connection to each on tcp. */
  private void send(byte[] datagram) throws Exception {
    if (stack.equals("udp")) {
      stranger.multicast(datagram);
    } else {
      for (int i = 0; i < nodes.size(); i++) {
        Stranger.tcp(Integer.parseInt(TestClusters.tcpPort(cluster, i)), -1, datagram);
      }
    }
  }

  /** Every node counted the attack, kept its view, and replicates a sync write at once as before. */
  private void refusedAndUnharmed(long[] before, String attack) {
    await(attack + ": counted").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int i = 0; i < nodes.size(); i++) {
        assertThat(refused(nodes.get(i))).as("%s refused by %s", attack, nodes.get(i)).isGreaterThan(before[i]);
      }
    });
    long timeouts = nodes.get(0).metrics().getAckTimeouts();
    String key = "after-" + (++round);
    nodes.get(0).put(b(key), b(attack), 0);
    for (ClusterNode n : nodes) {
      assertThat(n.memberNames()).as("%s: %s's view", attack, n).containsExactly("n1", "n2", "n3");
      assertThat(n.get(b(key))).as("%s: replicated to %s when the write returned", attack, n).isNotNull();
    }
    assertThat(nodes.get(0).metrics().getAckTimeouts()).as(attack + ": acknowledged in time").isEqualTo(timeouts);
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void hostileJGroupsTrafficIsRefusedBeforeAnythingParsesIt(String stack) throws Exception {
    start(stack, Map.of());
    Address n1 = TestClusters.channel(nodes.get(0)).getAddress();
    Address n2 = TestClusters.channel(nodes.get(1)).getAddress();
    Address stranger = UUID.randomUUID();
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    attacks.put("an object message of sets nested 30 deep", Stranger.objectMessageOfNestedSets(30));
    attacks.put("a message declaring a 2 GiB payload", Stranger.bytesMessageDeclaring(Integer.MAX_VALUE - 16));
    attacks.put("a fragment of a message in 5,000,000 fragments", Stranger.fragmentOf(5_000_000));
    attacks.put("a forged view without n2 and n3", Stranger.view(View.create(stranger, 1_000, stranger, n1)));
    attacks.put("a forged leave request of n2", Stranger.leave(n2));
    attacks.put("a forged join rejection from n1", Stranger.joinRejection(n1));
    for (Map.Entry<String, byte[]> a : attacks.entrySet()) {
      long[] before = refusedNow();
      send(a.getValue());
      refusedAndUnharmed(before, a.getKey());
    }
  }

  @Test
  void aDeclaredTwoGibFrameClosesTheConnectionUnread() throws Exception {
    start("tcp", Map.of());
    long before = nodes.get(0).metrics().getRefusedMalformed();
    Stranger.tcp(Integer.parseInt(TestClusters.tcpPort(cluster, 0)), Integer.MAX_VALUE, new byte[64]);
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.get(0).metrics().getRefusedMalformed() > before);
    refusedAndUnharmed(new long[] {-1, -1, -1}, "a frame declaring 2 GiB");
  }

  /**
   * An acknowledgement is a reply from the owner, inside its envelope: replies forged in its name,
   * for every request id a sync write may have, do not make a write that the owner never applied
   * count as acknowledged.
   */
  @Test
  void forgedAcknowledgementsDoNotAcknowledgeAWrite() throws Exception {
    start("udp", Map.of("syncTimeout", "1500"));
    ClusterNode silent = nodes.get(1);
    Address owner = TestClusters.channel(silent).getAddress();
    ProtocolStack st = TestClusters.channel(silent).getProtocolStack();
    DISCARD discard = new DISCARD();
    st.insertProtocol(discard, ProtocolStack.Position.ABOVE, TP.class);
    discard.setAddress(owner);
    discard.init();
    discard.start();
    discard.discardAll(true); // n2 receives nothing and so answers nothing, but stays in the view for now
    AtomicBoolean forging = new AtomicBoolean(true);
    Thread forger = new Thread(() -> {
      try {
        while (forging.get()) {
          for (long id = 1; id <= 400 && forging.get(); id++) {
            stranger.multicast(Stranger.ack(owner, id));
          }
        }
      } catch (Exception ignored) {
        // the test ends
      }
    });
    forger.start();
    long timeouts = nodes.get(0).metrics().getAckTimeouts();
    try {
      assertThatThrownBy(() -> nodes.get(0).put(b("paid"), b("txn-1"), 0))
          .as("not reported as replicated").isInstanceOf(ReplicationException.class);
    } finally {
      forging.set(false);
      forger.join();
    }
    assertThat(nodes.get(0).metrics().getAckTimeouts()).as("n2 never acknowledged").isEqualTo(timeouts + 1);
    assertThat(nodes.get(0).metrics().getRefusedMalformed()).as("the forged replies were refused").isPositive();
  }

  /**
   * A write captured off the network and sent again after its delete's tombstone is gone, as it was
   * and with its Baton frame in a new JGroups message of a stranger's, is refused: the logged-out
   * session does not come back. (With the frame alone sealed, the frame could be seen and re-sent in
   * a message JGroups had never seen, past its duplicate detection.)
   */
  @Test
  void aCapturedWriteSentAgainAfterItsTombstoneExpiredBringsNothingBack() throws Exception {
    start("udp", Map.of("tombstoneTtl", "1000", "tombstoneTtlNoTimeout", "1", "sweepInterval", "200"));
    stranger.startRecording();
    nodes.get(0).put(b("login"), b("alice, logged in"), 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> !stranger.heard().isEmpty());
    stranger.stopRecording();
    List<byte[]> captured = stranger.heard();
    nodes.get(0).remove(b("login"));
    await("the tombstone is reclaimed everywhere").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (ClusterNode n : nodes) {
        assertThat(n.getAny(b("login"))).as(n.toString()).isNull();
      }
    });
    List<byte[]> frames = captured.stream().map(Stranger::visibleFrame).filter(java.util.Objects::nonNull).toList();
    assertThat(frames).as("nothing on the wire shows a Baton frame").isEmpty();
    long[] before = nodes.stream().mapToLong(n -> n.metrics().getRefusedReplayed()).toArray();
    for (byte[] d : captured) {
      stranger.multicast(d);
    }
    long id = 1_000_000;
    for (byte[] f : frames) {
      stranger.multicast(Stranger.rewrapped(f, id++));
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int i = 1; i < nodes.size(); i++) {
        assertThat(nodes.get(i).metrics().getRefusedReplayed()).as(nodes.get(i).toString()).isGreaterThan(before[i]);
      }
    });
    for (ClusterNode n : nodes) {
      assertThat(n.getOrPull(b("login"))).as("%s: the logged-out session", n).isNull();
    }
  }

  /** A node still holding a secret that was rotated out is heard, refused, and never joins. */
  @Test
  void aNodeWithAnOldSecretNeitherJoinsNorIsHeard() throws Exception {
    start("udp", Map.of());
    nodes.get(0).put(b("card"), b("4111 1111 1111 1111"), 0);
    String old = Base64.getEncoder().encodeToString("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
    long[] before = refusedNow();
    ClusterNode outsider = TestClusters.start(cluster, "old", Map.of("secret", old));
    try {
      refusedAndUnharmed(before, "a node with an old secret");
      assertThat(outsider.memberNames()).containsExactly("old");
      assertThat(outsider.getOrPull(b("card"))).isNull();
      assertThat(refused(outsider)).as("it hears the cluster and refuses it too").isPositive();
    } finally {
      outsider.close();
    }
  }
}
