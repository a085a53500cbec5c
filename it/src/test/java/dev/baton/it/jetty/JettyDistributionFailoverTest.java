package dev.baton.it.jetty;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.Losses;
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

  @Test
  void shopSessionsAndLoginsSurviveKillMinusNineOfTheirJettyNode() throws Exception {
    int port = 24000 + (int) (ProcessHandle.current().pid() % 1500) * 10;
    Path run = Path.of("target", "runs", "jetty-failover-" + port);
    JettyDistribution dist = new JettyDistribution(run, JettyDistribution.newSecret(run), 42000 + port % 5000);
    ServerNode node1 = dist.start("node1", port + 1, "session-cache-null");
    ServerNode node2 = dist.start("node2", port + 2, "session-cache-null");
    nodes.add(node1);
    nodes.add(node2);
    node1.awaitStarted(120, TimeUnit.SECONDS);
    node2.awaitStarted(120, TimeUnit.SECONDS);
    ClusterViews.awaitMembers(node1.httpPort(), 2);
    ClusterViews.awaitMembers(node2.httpPort(), 2);
    // Regression: the store named the node host-pid, not the worker name docs/install-jetty.md promises.
    assertThat(Files.readString(node1.base().resolve("logs/console.log"))).contains("Baton node node1 joined cluster");

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

    Losses lost = Losses.check(customers, i -> node2.httpPort(), "alice", i -> "book" + i, "Alice,1 Main St,Lyon");
    System.out.printf("Jetty, after kill -9 of node1: %d sessions checked on node2 in %.2f s; lost: %s%n",
        SESSIONS, (System.nanoTime() - killedAt) / 1e9, lost);
    assertThat(lost).isEqualTo(new Losses(0, 0, 0));
  }
}
