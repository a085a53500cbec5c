package dev.baton.it.jetty;

import dev.baton.it.ServerNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.ShopClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real jetty-home 12.1.5 distribution with the session-store-baton module added to fresh
 * jetty-bases: shop sessions made on node1 carry on on node2 after node1 is killed with SIGKILL.
 */
class JettyDistributionFailoverTest {

  private static final int SESSIONS = 100;
  private final List<ServerNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }

  static Path secret(Path dir) throws Exception {
    return JettyDistribution.newSecret(dir);
  }

  @Test
  void shopSessionsAndLoginsSurviveKillMinusNineOfTheirJettyNode() throws Exception {
    int port = 24000 + (int) (ProcessHandle.current().pid() % 1500) * 10;
    Path run = Path.of("target", "runs", "jetty-failover-" + port);
    JettyDistribution dist = new JettyDistribution(run, secret(run), 42000 + port % 5000);
    ServerNode node1 = dist.start("node1", port + 1, "session-cache-null");
    ServerNode node2 = dist.start("node2", port + 2, "session-cache-null");
    nodes.add(node1);
    nodes.add(node2);
    node1.awaitStarted(120, TimeUnit.SECONDS);
    node2.awaitStarted(120, TimeUnit.SECONDS);

    ShopClient walk = new ShopClient();
    ShopClient.Answer a = walk.login(node1.httpPort(), "bob", "bob-secret");
    assertThat(a.get("user")).isEqualTo("bob");
    walk.post(node1.httpPort(), "/shop/api/cart", Map.of("item", "book"));
    ShopClient.Answer onTwo = walk.post(node2.httpPort(), "/shop/api/cart", Map.of("item", "pen"));
    assertThat(onTwo.get("node")).isEqualTo("node2");
    assertThat(onTwo.get("user")).as("logged in on node2 without a new login").isEqualTo("bob");
    assertThat(onTwo.get("cart")).isEqualTo("book|pen");

    List<ShopClient> customers = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      ShopClient c = new ShopClient();
      c.login(node1.httpPort(), "alice", "alice-secret");
      c.post(node1.httpPort(), "/shop/api/cart", Map.of("item", "book" + i));
      c.post(node1.httpPort(), "/shop/api/billing", Map.of("name", "Alice", "street", "1 Main St", "city", "Lyon"));
      c.post(node1.httpPort(), "/shop/api/pay", Map.of());
      customers.add(c);
    }
    long killedAt = System.nanoTime();
    node1.kill();

    int sessionsLost = 0;
    int loginsLost = 0;
    int attributesLost = 0;
    for (int i = 0; i < SESSIONS; i++) {
      ShopClient.Answer s = customers.get(i).get(node2.httpPort(), "/shop/api/state");
      if (s.status() != 200 || !s.fields().containsKey("node")) {
        sessionsLost++;
        continue;
      }
      loginsLost += "alice".equals(s.get("user")) ? 0 : 1;
      attributesLost += ("book" + i).equals(s.get("cart")) ? 0 : 1;
      attributesLost += "Alice,1 Main St,Lyon".equals(s.get("billing")) ? 0 : 1;
      attributesLost += s.get("payment").endsWith(":AUTHORIZED") ? 0 : 1;
    }
    System.out.printf("Jetty, after kill -9 of node1: %d sessions checked on node2 in %.2f s; lost: sessions=%d logins=%d attributes=%d%n",
        SESSIONS, (System.nanoTime() - killedAt) / 1e9, sessionsLost, loginsLost, attributesLost);
    assertThat(sessionsLost).isZero();
    assertThat(loginsLost).isZero();
    assertThat(attributesLost).isZero();
  }
}
