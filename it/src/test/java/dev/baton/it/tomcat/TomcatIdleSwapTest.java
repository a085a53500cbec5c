package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code maxIdleSwap} above zero on the real Tomcat distribution: a session left alone for that
 * long is swapped out by the manager's background expiry pass, and its next request finds
 * everything again.
 */
class TomcatIdleSwapTest {

  @Test
  void aSessionIdleLongerThanMaxIdleSwapIsSwappedOutAndComesBackWhole() throws Exception {
    int port = 36000 + (int) (ProcessHandle.current().pid() % 1000) * 2;
    Path run = Path.of("target", "runs", "idle-swap-" + port);
    Path serverXml = run.resolve("server-idle-swap.xml");
    // Expiry (and so the swap-out pass) runs every 6 s with a 1 s background delay.
    Files.writeString(serverXml, Files.readString(TomcatSessionContractTest.fastExpiryServerXml(run))
        .replace("secretFile=", "maxIdleSwap=\"1\" secretFile="));
    try (ServerNode node = new TomcatDistribution(run, 45000 + port % 5000).start("node1", port + 1, serverXml)) {
      node.awaitStarted(120, TimeUnit.SECONDS);
      int http = node.httpPort();
      ShopClient client = new ShopClient();
      client.login(http, "bob", "bob-secret");
      client.post(http, "/shop/api/cart", Map.of("item", "tea"));

      await().atMost(Duration.ofSeconds(30)).until(() -> ShopClient.stat(http, "passivated") >= 1);
      ShopClient.Answer back = client.get(http, "/shop/api/state");

      assertThat(back.get("cart")).isEqualTo("tea");
      assertThat(back.get("user")).isEqualTo("bob");
      assertThat(ShopClient.stat(http, "activated")).as("the cart was told it is back").isGreaterThanOrEqualTo(1);
    }
  }
}
