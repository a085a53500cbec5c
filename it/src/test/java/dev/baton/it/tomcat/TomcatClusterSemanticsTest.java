package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.it.ShopClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Three real Tomcat nodes: what a session does as it moves between them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatClusterSemanticsTest {

  private final List<TomcatNode> nodes = new ArrayList<>();
  private int a;
  private int b;
  private int c;

  @BeforeAll
  void start() throws Exception {
    int port = 20000 + (int) (ProcessHandle.current().pid() % 2000) * 10 + 5;
    Path run = Path.of("target", "runs", "semantics-" + port);
    TomcatDistribution dist = new TomcatDistribution(run, 40000 + port % 5000);
    // The sample server.xml, with expiry checked every second so a time-out shows quickly.
    Path serverXml = run.resolve("server-fast-expiry.xml");
    Files.writeString(serverXml, Files.readString(TomcatDistribution.sampleServerXml())
        .replace("<Engine name=\"Catalina\"", "<Engine name=\"Catalina\" backgroundProcessorDelay=\"1\"")
        .replace("secretFile=", "sweepInterval=\"500\" touchInterval=\"200\" secretFile="));
    for (String name : List.of("nodeA", "nodeB", "nodeC")) {
      nodes.add(dist.start(name, port + nodes.size(), serverXml));
    }
    for (TomcatNode n : nodes) {
      n.awaitStarted(120, TimeUnit.SECONDS);
    }
    a = nodes.get(0).httpPort();
    b = nodes.get(1).httpPort();
    c = nodes.get(2).httpPort();
  }

  @AfterAll
  void stop() throws Exception {
    for (TomcatNode n : nodes) {
      n.close();
    }
  }

  private static int destroyed(int port) throws Exception {
    return Integer.parseInt(new ShopClient().get(port, "/shop/public/stats").get("destroyed"));
  }

  private static int totalDestroyed(int... ports) throws Exception {
    int sum = 0;
    for (int p : ports) {
      sum += destroyed(p);
    }
    return sum;
  }

  @Test
  void aSessionMadeOnAIsReadAndChangedOnBAndC() throws Exception {
    ShopClient client = new ShopClient();
    client.login(a, "alice", "alice-secret");
    client.post(a, "/shop/api/cart", Map.of("item", "tea"));
    client.post(b, "/shop/api/cart", Map.of("item", "milk"));
    ShopClient.Answer onC = client.post(c, "/shop/api/cart", Map.of("item", "sugar"));
    assertThat(onC.get("cart")).isEqualTo("tea|milk|sugar");
    ShopClient.Answer backOnA = client.get(a, "/shop/api/state");
    assertThat(backOnA.get("cart")).as("A sees what B and C added").isEqualTo("tea|milk|sugar");
    assertThat(backOnA.get("user")).isEqualTo("alice");
  }

  @Test
  void loginRotatesTheSessionIdAndTheOldIdIsDeadEverywhere() throws Exception {
    ShopClient client = new ShopClient();
    client.get(a, "/shop/api/state"); // the login form: an anonymous session
    String anonymous = client.sessionId();
    client.login(a, "bob", "bob-secret");
    assertThat(client.sessionId()).isNotEqualTo(anonymous);
    ShopClient attacker = new ShopClient();
    ShopClient.Answer fixed = attacker.get(b, "/shop/api/state;jsessionid=" + anonymous);
    assertThat(fixed.body()).as("the pre-login id gives no access").contains("j_security_check");
    assertThat(client.get(b, "/shop/api/state").get("user")).isEqualTo("bob");
  }

  @Test
  void invalidationOnBRemovesTheSessionEverywhereAndItsListenerFiresOnce() throws Exception {
    ShopClient client = new ShopClient();
    client.login(a, "alice", "alice-secret");
    client.post(a, "/shop/api/cart", Map.of("item", "book"));
    client.get(c, "/shop/api/state"); // loaded on C too
    String id = client.sessionId();
    int before = totalDestroyed(a, b, c);
    int beforeOnB = destroyed(b);
    assertThat(client.post(b, "/shop/api/logout", Map.of()).body()).contains("logged-out");
    for (int port : new int[] {a, b, c}) {
      ShopClient stale = new ShopClient();
      ShopClient.Answer s = stale.get(port, "/shop/api/state;jsessionid=" + id);
      assertThat(s.body()).as("node on port %d", port).contains("j_security_check");
    }
    assertThat(destroyed(b)).isEqualTo(beforeOnB + 1);
    assertThat(totalDestroyed(a, b, c)).as("sessionDestroyed fired once, cluster-wide").isEqualTo(before + 1);
  }

  @Test
  void aTimedOutSessionExpiresOnceClusterWide() throws Exception {
    ShopClient client = new ShopClient();
    client.login(a, "alice", "alice-secret");
    client.post(a, "/shop/api/timeout", Map.of("seconds", "2"));
    client.get(b, "/shop/api/state");
    client.get(c, "/shop/api/state");
    int before = totalDestroyed(a, b, c);
    String id = client.sessionId();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(totalDestroyed(a, b, c)).isEqualTo(before + 1));
    for (int port : new int[] {a, b, c}) {
      assertThat(new ShopClient().get(port, "/shop/api/state;jsessionid=" + id).body()).contains("j_security_check");
    }
    // B and C held copies and check expiry every second: the count must stay put.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> totalDestroyed(a, b, c) == before + 1);
  }

  @Test
  void aSessionInUseOnOneNodeDoesNotTimeOutOnAnother() throws Exception {
    ShopClient client = new ShopClient();
    client.login(a, "alice", "alice-secret");
    client.post(a, "/shop/api/timeout", Map.of("seconds", "3"));
    client.get(b, "/shop/api/state"); // B holds a copy, then sees no more requests
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
    while (System.nanoTime() < end) {
      // Keep using the session on A only, for more than twice its timeout.
      assertThat(client.get(a, "/shop/api/state").get("user")).isEqualTo("alice");
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);
    }
    assertThat(client.get(b, "/shop/api/state").get("user")).as("still alive on B").isEqualTo("alice");
    client.post(b, "/shop/api/logout", Map.of()); // leaves nothing to expire during other tests
  }
}
