package dev.baton.it.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.ServerNode;
import dev.baton.it.tls.OpenSslClient;
import dev.baton.it.tls.TlsFiles;
import dev.baton.tls.JdkTicketKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS sessions across two real Jetty nodes (jetty-home with the {@code https} and {@code baton-tls}
 * modules, {@code conf-samples/jetty/start.d/tls.ini}, JSSE with the --add-opens docs/tls.md names),
 * checked with the real {@code openssl s_client} and a client certificate: the session resumes on
 * node2, also after node1 is killed, and node2's application sees the TLS identity node1 bound to
 * the HTTP session.
 */
class JettyTlsFailoverTest {

  private final List<ServerNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }

  @Test
  void aTls12SessionMadeOnOneNodeResumesOnTheOtherAlsoAfterItsNodeIsKilled() throws Exception {
    int port = 33500 + (int) (ProcessHandle.current().pid() % 400) * 8;
    Path run = Path.of("target", "runs", "jetty-tls-" + port);
    TlsFiles tls = TlsFiles.make(run.resolve("tls"));
    JettyDistribution dist = new JettyDistribution(run, JettyDistribution.newSecret(run), 43000 + port % 5000).tls(tls);
    ServerNode node1 = startInTurn(dist, "node1", port + 1, port + 5);
    ServerNode node2 = startInTurn(dist, "node2", port + 2, port + 6);
    assertThat(Files.readString(node2.base().resolve("logs/console.log"))).contains("resume on every node by ticket (JSSE)");

    OpenSslClient client = new OpenSslClient("-tls1_2", "-cert", tls.clientCertificate().toString(),
        "-key", tls.clientKey().toString());
    Path session = run.resolve("session.pem");
    OpenSslClient.Result first = client.connect(port + 5, "/shop/public/tls", null, null, session);
    assertThat(first.reused()).isFalse();
    assertThat(first.get("node")).isEqualTo("node1");
    assertThat(first.get("peer")).isEqualTo("CN=alice");
    String cookie = "JSESSIONID=" + first.get("session");
    OpenSslClient.Result second = client.connect(port + 6, "/shop/public/tls", cookie, session, null);
    assertThat(second.reused()).as(second.output()).isTrue();
    assertThat(second.get("node")).isEqualTo("node2");
    assertThat(second.cipher()).isEqualTo(first.cipher());
    assertThat(second.get("peer")).as("the client certificate travels in the ticket").isEqualTo("CN=alice");
    assertThat(second.get("bound")).as("the identity node1 bound to the HTTP session")
        .isEqualTo("[protocol=TLSv1.2 cipher=" + first.get("cipher") + " peer=CN=alice]");

    node1.kill();
    OpenSslClient.Result afterKill = client.connect(port + 6, "/shop/public/tls", cookie, session, null);
    assertThat(afterKill.reused()).isTrue();
    assertThat(afterKill.get("bound")).isEqualTo(second.get("bound"));
  }

  /** One after the other, so node2 joins node1's cluster (and its ticket keys) at once. */
  private ServerNode startInTurn(JettyDistribution dist, String name, int httpPort, int httpsPort) throws Exception {
    ServerNode node = dist.start(name, httpPort, "session-store-baton,session-cache-null,https,baton-tls",
        Map.of("jetty.ssl.port", Integer.toString(httpsPort)), List.of(JdkTicketKeys.ADD_OPENS.split(" ")));
    nodes.add(node);
    node.awaitStarted(120, TimeUnit.SECONDS);
    return node;
  }
}
