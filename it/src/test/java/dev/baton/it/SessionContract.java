package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session contract every configuration keeps, checked over HTTP against three real nodes:
 * Tomcat only, Jetty only, and Tomcat and Jetty mixed (the subclasses). A session moves between
 * the nodes with its login and its in-place changes; a login retires the pre-login id everywhere;
 * an invalidation or a time-out ends the session everywhere, and its listener never fires twice; a
 * session in use on one node does not time out on another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SessionContract {

  private int a;
  private int b;
  private int c;

  /**
   * Starts three nodes of one cluster (sessions time out on a 1-second check, access times travel
   * every 200 ms) and returns their HTTP ports.
   */
  protected abstract int[] startNodes(int basePort, int mcastPort) throws Exception;

  /** Stops every node started. */
  protected abstract void stopNodes() throws Exception;

  /** This suite's own slot, 0 to 3, so that suites run side by side use distinct ports. */
  protected abstract int portSlot();

  @BeforeAll
  void start() throws Exception {
    int port = 20000 + (int) (ProcessHandle.current().pid() % 1000) * 12 + portSlot() * 3;
    int[] ports = startNodes(port, 40000 + port % 5000);
    a = ports[0];
    b = ports[1];
    c = ports[2];
  }

  /** The HTTP ports of the three nodes. */
  protected int[] httpPorts() {
    return new int[] {a, b, c};
  }

  @AfterAll
  void stop() throws Exception {
    stopNodes();
  }

  private static int destroyed(int port) throws Exception {
    return ShopClient.stat(port, "destroyed");
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
    assertThat(fixed.asksToLogIn()).as("the pre-login id gives no access").isTrue();
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
      assertThat(s.asksToLogIn()).as("node on port %d", port).isTrue();
    }
    assertThat(destroyed(b)).isEqualTo(beforeOnB + 1);
    assertThat(totalDestroyed(a, b, c)).as("sessionDestroyed fired once, cluster-wide").isEqualTo(before + 1);
  }

  /**
   * How often {@code sessionDestroyed} fires for a session that times out: once on Tomcat. Jetty
   * behind {@code session-cache-null} deletes a session that expires while not in memory without
   * calling the listener (its NullSessionCache has no session object to call it with), so 0 there.
   */
  protected int timeOutListenerCalls() {
    return 1;
  }

  @Test
  void aTimedOutSessionEndsOnceClusterWide() throws Exception {
    ShopClient client = new ShopClient();
    client.login(a, "alice", "alice-secret");
    client.post(a, "/shop/api/timeout", Map.of("seconds", "2"));
    client.get(b, "/shop/api/state");
    client.get(c, "/shop/api/state");
    int before = totalDestroyed(a, b, c);
    String id = client.sessionId();
    // Watch without touching: a request carrying the id would keep the session alive.
    if (timeOutListenerCalls() > 0) {
      await().atMost(Duration.ofSeconds(30)).until(() -> totalDestroyed(a, b, c) == before + timeOutListenerCalls());
    } else {
      // Nothing to watch: look once, well after time-out (2 s) plus scavenging (1 s) and grace (1 s).
      await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
    }
    for (int port : new int[] {a, b, c}) {
      assertThat(new ShopClient().get(port, "/shop/api/state;jsessionid=" + id).asksToLogIn()).as("port %d", port).isTrue();
    }
    // Every node held a copy and checks expiry every second: the count must stay put.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> totalDestroyed(a, b, c) == before + timeOutListenerCalls());
  }

  @Test
  void aSessionInUseOnOneNodeDoesNotTimeOutOnAnother() throws Exception {
    ShopClient client = new ShopClient();
    client.login(a, "alice", "alice-secret");
    client.post(a, "/shop/api/timeout", Map.of("seconds", "3"));
    client.get(b, "/shop/api/state"); // B holds a copy, then sees no more requests
    // Keep using the session on A only, back to back, for more than twice its timeout (bounded by
    // time and by count).
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
    for (int i = 0; i < 20_000 && System.nanoTime() < end; i++) {
      assertThat(client.get(a, "/shop/api/state").get("user")).isEqualTo("alice");
    }
    assertThat(client.get(b, "/shop/api/state").get("user")).as("still alive on B").isEqualTo("alice");
    client.post(b, "/shop/api/logout", Map.of()); // leaves nothing to expire during other tests
  }
}
