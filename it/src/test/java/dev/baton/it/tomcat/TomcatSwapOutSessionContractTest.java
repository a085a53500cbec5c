package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.it.ShopClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session contract on three real Tomcat nodes that swap a session out as soon as its last
 * request ends ({@code maxIdleSwap="0"}, the default, set here explicitly): every request after the first finds the attributes only
 * in the cluster cache's record, and invalidation and time-out listeners need them back.
 */
public class TomcatSwapOutSessionContractTest extends TomcatSessionContractTest {

  @Override
  protected Path serverXml(Path run) throws Exception {
    Path fast = fastExpiryServerXml(run);
    Path serverXml = run.resolve("server-swap-out.xml");
    Files.writeString(serverXml, Files.readString(fast).replace("secretFile=", "maxIdleSwap=\"0\" secretFile="));
    return serverXml;
  }

  @Test
  void aSessionIsSwappedOutAfterEachRequestAndInAgainForTheNext() throws Exception {
    int a = httpPorts()[0];
    int passivated = ShopClient.stat(a, "passivated");
    int activated = ShopClient.stat(a, "activated");
    ShopClient client = new ShopClient();
    client.login(a, "bob", "bob-secret");
    client.post(a, "/shop/api/cart", Map.of("item", "bread"));
    ShopClient.Answer second = client.post(a, "/shop/api/cart", Map.of("item", "butter"));

    assertThat(second.get("cart")).as("the cart read back from the record").isEqualTo("bread|butter");
    assertThat(second.get("user")).isEqualTo("bob");
    // A swap-out follows the end of a request, which Tomcat marks after the response went out.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(ShopClient.stat(a, "passivated") - passivated).as("the cart was told of each swap-out")
          .isGreaterThanOrEqualTo(2);
      assertThat(ShopClient.stat(a, "activated") - activated).as("and of the swap-in").isGreaterThanOrEqualTo(1);
    });
  }

  /** "Loses nothing": the record lacks an attribute that cannot be serialized, so the session stays live here. */
  @Test
  void aSessionHoldingAnAttributeThatCannotBeSerializedIsNotSwappedOut() throws Exception {
    int a = httpPorts()[0];
    ShopClient client = new ShopClient();
    client.login(a, "bob", "bob-secret");
    client.post(a, "/shop/api/note", Map.of("text", "call back"));
    client.post(a, "/shop/api/cart", Map.of("item", "jam"));

    ShopClient.Answer later = client.get(a, "/shop/api/state");
    assertThat(later.get("note")).as("the note, which only this node can hold").isEqualTo("call back");
    assertThat(later.get("cart")).isEqualTo("jam");
  }

  @Override
  protected int portSlot() {
    return 3;
  }
}
