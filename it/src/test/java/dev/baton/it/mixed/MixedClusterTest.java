package dev.baton.it.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import dev.baton.it.jetty.JettyDistribution;
import dev.baton.it.tomcat.TomcatDistribution;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One real Tomcat 11 node and one real Jetty 12 node in one Baton cluster, serving the same shop:
 * one session, with its login and cart, moves from one container to the other and back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MixedClusterTest {

  private ServerNode tomcat;
  private ServerNode jetty;

  @BeforeAll
  void start() throws Exception {
    int port = 26000 + (int) (ProcessHandle.current().pid() % 1500) * 4;
    int mcast = 43000 + port % 5000;
    Path run = Path.of("target", "runs", "mixed-" + port);
    TomcatDistribution tomcats = new TomcatDistribution(run.resolve("tomcat"), mcast);
    JettyDistribution jetties = new JettyDistribution(run.resolve("jetty"), tomcats.secret(), mcast);
    tomcat = tomcats.start("tomcat1", port + 1, TomcatDistribution.sampleServerXml());
    jetty = jetties.start("jetty1", port + 2, "session-cache-null");
    tomcat.awaitStarted(120, TimeUnit.SECONDS);
    jetty.awaitStarted(120, TimeUnit.SECONDS);
    ClusterViews.awaitMembers(tomcat.httpPort(), 2);
    ClusterViews.awaitMembers(jetty.httpPort(), 2);
  }

  @AfterAll
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.close();
    }
    if (jetty != null) {
      jetty.close();
    }
  }

  @Test
  void aTomcatSessionWithItsLoginContinuesOnJettyAndBack() throws Exception {
    ShopClient client = new ShopClient();
    assertThat(client.login(tomcat.httpPort(), "alice", "alice-secret").get("node")).isEqualTo("tomcat1");
    client.post(tomcat.httpPort(), "/shop/api/cart", Map.of("item", "tea"));
    client.post(tomcat.httpPort(), "/shop/api/billing", Map.of("name", "Alice", "street", "1 Main St", "city", "Lyon"));

    ShopClient.Answer onJetty = client.post(jetty.httpPort(), "/shop/api/cart", Map.of("item", "milk"));
    assertThat(onJetty.get("node")).isEqualTo("jetty1");
    assertThat(onJetty.get("user")).as("logged in on Jetty without a new login").isEqualTo("alice");
    assertThat(onJetty.get("cart")).isEqualTo("tea|milk");
    assertThat(onJetty.get("billing")).isEqualTo("Alice,1 Main St,Lyon");

    ShopClient.Answer back = client.post(tomcat.httpPort(), "/shop/api/pay", Map.of());
    assertThat(back.get("node")).isEqualTo("tomcat1");
    assertThat(back.get("user")).isEqualTo("alice");
    assertThat(back.get("cart")).isEqualTo("tea|milk");
    assertThat(back.get("payment")).endsWith(":AUTHORIZED");
  }

  @Test
  void aJettyLoginIsALoginOnTomcat() throws Exception {
    ShopClient client = new ShopClient();
    assertThat(client.login(jetty.httpPort(), "bob", "bob-secret").get("node")).isEqualTo("jetty1");
    client.post(jetty.httpPort(), "/shop/api/cart", Map.of("item", "coffee"));
    ShopClient.Answer onTomcat = client.get(tomcat.httpPort(), "/shop/api/state");
    assertThat(onTomcat.get("node")).isEqualTo("tomcat1");
    assertThat(onTomcat.get("user")).isEqualTo("bob");
    assertThat(onTomcat.get("cart")).isEqualTo("coffee");
  }
}
