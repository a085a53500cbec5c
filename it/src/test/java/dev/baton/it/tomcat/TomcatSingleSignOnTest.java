package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster-wide single sign-on on the real Tomcat distribution: signed on through one application
 * on node1, the user reaches another application on node2, with only the SSO cookie, after node1
 * was killed.
 */
class TomcatSingleSignOnTest {

  private ServerNode node1;
  private ServerNode node2;

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : new ServerNode[] {node1, node2}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void aSignOnSurvivesTheDeathOfItsNodeForEveryApplication() throws Exception {
    int port = 27000 + (int) (ProcessHandle.current().pid() % 1500) * 4;
    Path run = Path.of("target", "runs", "sso-" + port);
    TomcatDistribution dist = new TomcatDistribution(run, 44000 + port % 5000).alsoDeployShopAs("shop2");
    // The sample server.xml has the BatonSingleSignOn valve in its Host.
    Path serverXml = TomcatDistribution.sampleServerXml();
    assertThat(Files.readString(serverXml)).contains("dev.baton.tomcat.BatonSingleSignOn");
    node1 = dist.start("node1", port + 1, serverXml);
    node2 = dist.start("node2", port + 2, serverXml);
    node1.awaitStarted(120, TimeUnit.SECONDS);
    node2.awaitStarted(120, TimeUnit.SECONDS);
    ClusterViews.awaitMembers(node1.httpPort(), 2);
    ClusterViews.awaitMembers(node2.httpPort(), 2);

    ShopClient shop = new ShopClient();
    assertThat(shop.login(node1.httpPort(), "alice", "alice-secret").get("user")).isEqualTo("alice");
    assertThat(shop.ssoId()).as("the SSO cookie").isNotNull();
    ShopClient shop2 = ShopClient.withSingleSignOnOf(shop);
    assertThat(shop2.get(node1.httpPort(), "/shop2/api/state").get("user")).as("signed on for shop2 on node1").isEqualTo("alice");

    node1.kill();

    ShopClient shop2Elsewhere = ShopClient.withSingleSignOnOf(shop);
    ShopClient.Answer a = shop2Elsewhere.get(node2.httpPort(), "/shop2/api/state");
    assertThat(a.get("node")).isEqualTo("node2");
    assertThat(a.get("user")).as("signed on for shop2 on node2 without a login").isEqualTo("alice");
    ShopClient stranger = new ShopClient();
    assertThat(stranger.get(node2.httpPort(), "/shop2/api/state").asksToLogIn()).isTrue();
  }
}
