package dev.baton.it.tomcat;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.Losses;
import dev.baton.it.ShopClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real Tomcat 11.0.18 distribution, installed as docs/install-tomcat.md says (drop-in jar in lib/, the sample
 * server.xml, a distributable shop): sessions made on node1 carry on on node2 after node1 is killed
 * with SIGKILL, with nothing lost.
 */
class TomcatDistributionFailoverTest {

  private static final int SESSIONS = 200;
  private final List<ServerNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }

  private static int basePort() {
    return 20000 + (int) (ProcessHandle.current().pid() % 2000) * 10;
  }

  @Test
  void shopSessionsAndLoginsSurviveKillMinusNineOfTheirNode() throws Exception {
    int port = basePort();
    TomcatDistribution dist = new TomcatDistribution(Path.of("target", "runs", "failover-" + port), 40000 + port % 5000);
    ServerNode node1 = dist.start("node1", port + 1, TomcatDistribution.sampleServerXml());
    ServerNode node2 = dist.start("node2", port + 2, TomcatDistribution.sampleServerXml());
    nodes.add(node1);
    nodes.add(node2);
    node1.awaitStarted(120, TimeUnit.SECONDS);
    node2.awaitStarted(120, TimeUnit.SECONDS);
    ClusterViews.awaitMembers(node1.httpPort(), 2);
    ClusterViews.awaitMembers(node2.httpPort(), 2);

    // One customer walks through the shop across both nodes.
    ShopClient walk = new ShopClient();
    ShopClient.Answer a = walk.login(node1.httpPort(), "bob", "bob-secret");
    assertThat(a.get("user")).isEqualTo("bob");
    assertThat(walk.sessionId()).endsWith(".node1");
    walk.post(node1.httpPort(), "/shop/api/cart", Map.of("item", "book"));
    ShopClient.Answer onTwo = walk.post(node2.httpPort(), "/shop/api/cart", Map.of("item", "pen"));
    assertThat(onTwo.get("node")).isEqualTo("node2");
    assertThat(onTwo.get("user")).as("logged in on node2 without a new login").isEqualTo("bob");
    assertThat(onTwo.get("cart")).isEqualTo("book|pen");
    assertThat(walk.sessionId()).as("re-routed to its new node").endsWith(".node2");

    // Many customers on node1, then node1 dies at once.
    List<ShopClient> customers = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      ShopClient c = new ShopClient();
      c.login(node1.httpPort(), "alice", "alice-secret");
      c.post(node1.httpPort(), "/shop/api/cart", Map.of("item", "book" + i));
      c.post(node1.httpPort(), "/shop/api/cart", Map.of("item", "pen"));
      c.post(node1.httpPort(), "/shop/api/billing", Map.of("name", "Alice", "street", "1 Main St", "city", "Lyon"));
      ShopClient.Answer paid = c.post(node1.httpPort(), "/shop/api/pay", Map.of());
      assertThat(paid.get("payment")).endsWith(":AUTHORIZED");
      customers.add(c);
    }
    long killedAt = System.nanoTime();
    node1.kill();

    Losses lost = Losses.check(customers, i -> node2.httpPort(), "alice", i -> "book" + i + "|pen", "Alice,1 Main St,Lyon");
    System.out.printf("after kill -9 of node1: %d sessions checked on node2 in %.2f s; lost: %s%n",
        SESSIONS, (System.nanoTime() - killedAt) / 1e9, lost);
    assertThat(lost).isEqualTo(new Losses(0, 0, 0));

    // The customers carry on: capture the payment on the survivor.
    ShopClient.Answer captured = customers.get(0).post(node2.httpPort(), "/shop/api/pay", Map.of("capture", "1"));
    assertThat(captured.get("payment")).endsWith(":CAPTURED");
    assertThat(customers.get(0).sessionId()).endsWith(".node2");
  }
}
