package dev.baton.it.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sync mode on Jetty answers a request only after every owner acknowledged its session change:
 * with the other node frozen and {@code syncTimeoutAction=fail}, the request that changed the
 * session does not get a success. (Before the session was stored at response commit, and its
 * acknowledgements awaited before the response's first bytes, this answered 200.)
 */
class JettySyncAckTest {

  private final List<ServerNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : nodes) {
      n.resume();
      n.close();
    }
  }

  @Test
  void aChangeNoOwnerAcknowledgedIsNeverAnsweredAsDone() throws Exception {
    int port = 37000 + (int) (ProcessHandle.current().pid() % 300) * 4;
    Path run = Path.of("target", "runs", "jetty-sync-ack-" + port);
    JettyDistribution dist = new JettyDistribution(run, JettyDistribution.newSecret(run), 40000 + port % 5000);
    Map<String, String> failFast = Map.of("baton.syncTimeout", "1000", "baton.syncTimeoutAction", "fail");
    for (int i = 1; i <= 2; i++) {
      ServerNode n = dist.start("node" + i, port + i, "session-store-baton,session-cache-hash", failFast, List.of());
      nodes.add(n);
      n.awaitStarted(120, TimeUnit.SECONDS);
    }
    ClusterViews.awaitMembers(nodes.get(0).httpPort(), 2);
    ServerNode node1 = nodes.get(0);
    ShopClient client = new ShopClient();
    assertThat(client.get(node1.httpPort(), "/shop/public/blob?size=16").status()).isEqualTo(200);

    nodes.get(1).pause();
    int status;
    try {
      status = client.get(node1.httpPort(), "/shop/public/blob?size=16").status();
    } catch (IOException aborted) {
      status = -1; // Jetty aborted the response: also not a success
    }
    assertThat(status).as("a change node2 never acknowledged").isNotEqualTo(200);

    nodes.get(1).resume();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(client.get(node1.httpPort(), "/shop/public/blob?size=16").status()).isEqualTo(200));
  }
}
