package dev.baton.cluster;

import static dev.baton.cluster.TestClusters.closeAll;
import static dev.baton.cluster.TestClusters.newCluster;
import static dev.baton.cluster.TestClusters.startAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.wire.ClusterMessages;
import dev.baton.wire.Frames;
import dev.baton.state.EntryCopy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nodes without the secret stay out; hostile messages from inside are dropped and counted. */
class SecurityTest {

  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : others) {
      c.close();
    }
    closeAll(nodes);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPlaintextNodeNeitherJoinsAnEncryptedClusterNorIsHeardByIt() throws Exception {
    Map<String, String> cluster = newCluster("replicated", "sync");
    nodes.addAll(startAll(cluster, 2));
    long before = nodes.get(0).metrics().getRefusedMalformed();
    ClusterNode plain = TestClusters.start(cluster, "plain", Map.of("encryption", "none", "secret", ""));
    others.add(plain);
    assertThat(plain.memberNames()).containsExactly("plain");
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.get(0).metrics().getRefusedMalformed() > before);
    for (ClusterNode n : nodes) {
      assertThat(n.memberNames()).containsExactlyInAnyOrder("n1", "n2");
    }
  }

  /**
   * A member that holds the secret (it passed the envelope and AUTH) but sends frames that are not
   * Baton's: each is dropped, counted, and applies nothing; sealed and in plaintext.
   */
  @ParameterizedTest
  @ValueSource(strings = {"on", "none"})
  void malformedFramesFromAMemberAreDroppedCountedAndTheNodeKeepsServing(String encryption) throws Exception {
    Map<String, String> cluster = TestClusters.withEncryption(newCluster("replicated", "sync"), encryption);
    // The attacker joins as a member but runs no Baton, so it never acknowledges: the write at the end
    // is checked on the other Baton node, not failed for the attacker's silence.
    cluster.put("syncTimeoutAction", "async");
    nodes.addAll(startAll(cluster, 2));
    JChannel raw = TestClusters.memberChannel(cluster, "raw");
    MessageDispatcher attacker = new MessageDispatcher(raw, msg -> null);
    others.add(attacker);
    others.add(raw);
    raw.connect(cluster.get("clusterName"));
    await().atMost(Duration.ofSeconds(20)).until(() -> nodes.get(0).memberNames().size() == 3);

    List<byte[]> bad = new ArrayList<>();
    Random rnd = new Random(9);
    byte[] valid = Frames.frame(ClusterMessages.TYPE_ENTRIES, ClusterMessages.entries(
        ClusterMessages.PURPOSE_WRITE, 1, List.of(new EntryCopy(b("k"), b("v"), 1, 1, 1, 1, 0))));
    bad.add(new byte[0]);
    bad.add(new byte[] {(byte) 0xBA});
    bad.add(java.util.Arrays.copyOf(valid, valid.length - 3)); // truncated
    byte[] version = valid.clone();
    version[2] = 9;
    bad.add(version);
    byte[] type = valid.clone();
    type[3] = 0x7E;
    bad.add(type);
    byte[] sealedFlag = valid.clone();
    sealedFlag[3] |= (byte) 0x80;
    bad.add(sealedFlag);
    byte[] hugeCount = Frames.frame(ClusterMessages.TYPE_ENTRIES,
        new dev.baton.wire.WireWriter(16).writeByte(1).writeLong(1).writeVarInt(Integer.MAX_VALUE).toByteArray());
    bad.add(hugeCount);
    // Batches: a valid write of "k" followed by a part that may not be in a batch, by a truncated
    // part, by a nested batch; none may apply its valid part.
    byte[] entriesBody = ClusterMessages.entries(ClusterMessages.PURPOSE_WRITE, 1,
        List.of(new EntryCopy(b("k"), b("v"), 1, 1, 1, 1, 0)));
    ClusterMessages.Part good = new ClusterMessages.Part(ClusterMessages.TYPE_ENTRIES, entriesBody);
    for (ClusterMessages.Part second : List.of(
        new ClusterMessages.Part(ClusterMessages.TYPE_PULL, ClusterMessages.pull(b("k"))),
        new ClusterMessages.Part(ClusterMessages.TYPE_ENTRIES, java.util.Arrays.copyOf(entriesBody, 12)),
        new ClusterMessages.Part(ClusterMessages.TYPE_BATCH, batch(List.of(good))))) {
      bad.add(Frames.frame(ClusterMessages.TYPE_BATCH, batch(List.of(good, second))));
    }
    for (int i = 0; i < 200; i++) {
      byte[] noise = new byte[rnd.nextInt(300)];
      rnd.nextBytes(noise);
      bad.add(noise);
    }
    // Each as JGroups' own message and as Baton's, which reads plaintext writes as they arrive.
    for (byte[] m : bad) {
      attacker.castMessage(null, new BytesMessage(null, m), RequestOptions.ASYNC());
      attacker.castMessage(null, new FrameMessage(m), RequestOptions.ASYNC());
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (ClusterNode n : nodes) {
        assertThat(n.metrics().getRejectedMessages()).isEqualTo(2L * bad.size());
      }
    });
    nodes.get(0).put(b("still"), b("serving"), 0);
    assertThat(nodes.get(1).get(b("still"))).isNotNull();
    assertThat(nodes.get(1).get(b("k"))).as("nothing from the bad messages was applied").isNull();
  }

  private static byte[] batch(List<ClusterMessages.Part> parts) {
    dev.baton.wire.WireWriter w = new dev.baton.wire.WireWriter(64);
    ClusterMessages.writeBatch(w, parts);
    return w.toByteArray();
  }
}
