package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.it.ClusterViews;
import dev.baton.it.HaProxy;
import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real Tomcat nodes (the sample server.xml, FORM login) behind a real HAProxy that balances
 * every request round robin, without stickiness: the login page, the {@code j_security_check} post
 * and the saved URL each land on another node. Tomcat keeps the login in progress in session notes,
 * which Baton carries with the session; every login must complete and land on the saved URL, also
 * logins begun before a node restart and finished after it, while each node is restarted in turn.
 */
class TomcatRoundRobinFormLoginTest {

  private static final int ROUNDS = 3;
  private static final int LOGINS_PER_ROUND = 20;
  private static final int HALF_DONE_PER_ROUND = 5;

  private final List<ServerNode> nodes = new ArrayList<>();
  private HaProxy proxy;
  private Path serverXml;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (ServerNode n : nodes) {
      n.close();
    }
  }

  @Test
  void formLoginsThroughARoundRobinBalancerCompleteWhileEveryNodeIsRestartedInTurn() throws Exception {
    String haproxy = HaProxy.binary();
    assumeTrue(haproxy != null, "HAProxy is not installed and cannot be (apt-get needs root): balancing not tested");
    int port = 24000 + (int) (ProcessHandle.current().pid() % 1000) * 5;
    Path run = Path.of("target", "runs", "roundrobin-" + port);
    TomcatDistribution dist = new TomcatDistribution(run, 42000 + port % 5000);
    // The authenticator's own account of each login, for the failure message.
    Files.writeString(dist.home().resolve("conf/logging.properties"),
        "\norg.apache.catalina.authenticator.level = FINE\n1catalina.org.apache.juli.AsyncFileHandler.level = FINE\n",
        StandardOpenOption.APPEND);
    List<Integer> ports = List.of(port + 1, port + 2, port + 3);
    // The sample server.xml, its access log also naming the session cookie sent and the session served.
    Files.createDirectories(run);
    serverXml = run.resolve("server.xml");
    Files.writeString(serverXml, Files.readString(TomcatDistribution.sampleServerXml())
        .replace("pattern=\"%h %l %u %t &quot;%r&quot; %s %b\"", "pattern=\"%t %r %s cookie=%{JSESSIONID}c served=%S\""));
    for (int i = 0; i < 3; i++) {
      nodes.add(dist.start("node" + (i + 1), ports.get(i), serverXml));
    }
    awaitCluster();
    proxy = HaProxy.roundRobin(haproxy, run.resolve("haproxy"), port, ports, "/shop/public/stats");

    List<String> failed = new ArrayList<>();
    Set<String> landedOn = new HashSet<>();
    int done = 0;
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < LOGINS_PER_ROUND; i++) {
        ShopClient c = new ShopClient();
        begin(c);
        finish(c, user(done), failed, landedOn);
        done++;
      }
      // Logins whose form was shown before a node restarts, posted after it is back.
      List<ShopClient> halfDone = new ArrayList<>();
      for (int i = 0; i < HALF_DONE_PER_ROUND; i++) {
        ShopClient c = new ShopClient();
        begin(c);
        halfDone.add(c);
      }
      restart(round, dist, ports);
      for (ShopClient c : halfDone) {
        finish(c, user(done), failed, landedOn);
        done++;
      }
    }
    assertThat(failed).as("FORM logins through the round-robin balancer that did not complete; the authenticator's"
        + " log:%n%s", failed.isEmpty() ? "" : authenticatorLog(run)).isEmpty();
    assertThat(done).isEqualTo(ROUNDS * (LOGINS_PER_ROUND + HALF_DONE_PER_ROUND));
    assertThat(landedOn).as("the saved URL was served by several nodes").hasSizeGreaterThan(1);
  }

  /** What Tomcat's authenticators logged on every node, for a failure's message. */
  private static String authenticatorLog(Path run) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(run)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("catalina.")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.contains("authenticator") && !line.contains("changeSessionID")) {
            out.append(f.getParent().getParent().getFileName()).append(": ").append(line).append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  private static String user(int i) {
    return i % 2 == 0 ? "alice" : "bob";
  }

  private void begin(ShopClient c) throws Exception {
    ShopClient.Answer form = c.get(proxy.port(), "/shop/api/state");
    assertThat(form.asksToLogIn()).as("the login form, got %d", form.status()).isTrue();
  }

  private void finish(ShopClient c, String user, List<String> failed, Set<String> landedOn) throws Exception {
    ShopClient.Answer posted = c.post(proxy.port(), "/shop/j_security_check",
        Map.of("j_username", user, "j_password", user + "-secret"));
    if (posted.status() != 303 && posted.status() != 302) {
      failed.add(user + ": j_security_check answered " + posted.status());
      return;
    }
    if (posted.location() == null || !posted.location().endsWith("/shop/api/state")) {
      failed.add(user + ": redirected to " + posted.location() + ", not the saved URL");
      return;
    }
    ShopClient.Answer landed = c.get(proxy.port(), "/shop/api/state");
    if (landed.status() != 200 || !user.equals(landed.get("user"))) {
      failed.add(user + ": the saved URL answered " + landed.status() + " as user '" + landed.get("user") + "'");
      return;
    }
    landedOn.add(landed.get("node"));
  }

  private void restart(int i, TomcatDistribution dist, List<Integer> ports) throws Exception {
    nodes.get(i).close();
    nodes.set(i, dist.start("node" + (i + 1), ports.get(i), serverXml));
    awaitCluster();
  }

  private void awaitCluster() throws Exception {
    for (ServerNode n : nodes) {
      n.awaitStarted(120, TimeUnit.SECONDS);
    }
    for (ServerNode n : nodes) {
      ClusterViews.awaitMembers(n.httpPort(), 3);
    }
  }
}
