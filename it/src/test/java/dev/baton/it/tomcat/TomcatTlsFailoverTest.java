package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.it.ServerNode;
import dev.baton.it.tls.OpenSslClient;
import dev.baton.it.tls.TlsFiles;
import dev.baton.tls.JdkTicketKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * TLS sessions across two real Tomcat nodes (the distribution, {@code conf-samples/tomcat/server-tls.xml})
 * on the JDK's TLS (JSSE, with the --add-opens README names), checked with the real
 * {@code openssl s_client}: a session made on node1 resumes on node2, also after node1 is killed.
 */
class TomcatTlsFailoverTest {

  private final List<ServerNode> nodes = new ArrayList<>();
  private int port;
  private Path run;
  private TlsFiles tls;

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }

  private TomcatDistribution cluster(String name) throws Exception {
    port = 29000 + (int) (ProcessHandle.current().pid() % 500) * 8;
    run = Path.of("target", "runs", name + "-" + port);
    tls = TlsFiles.make(run.resolve("tls"));
    return new TomcatDistribution(run, 44000 + port % 5000).tls(tls).jvmOption(JdkTicketKeys.ADD_OPENS);
  }

  private ServerNode start(TomcatDistribution dist, String name, int n, Path serverXml) throws Exception {
    ServerNode node = dist.start(name, port + n, port + 4 + n, serverXml);
    nodes.add(node);
    return node;
  }

  private int https(ServerNode node) {
    return node.httpPort() + 4;
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_2", "-tls1_3"})
  void aSessionMadeOnOneNodeResumesOnTheOtherAlsoAfterItsNodeIsKilled(String protocol) throws Exception {
    TomcatDistribution dist = cluster("tls" + protocol);
    ServerNode node1 = start(dist, "node1", 1, TomcatDistribution.sampleTlsServerXml());
    ServerNode node2 = start(dist, "node2", 2, TomcatDistribution.sampleTlsServerXml());
    node1.awaitStarted(120, TimeUnit.SECONDS);
    node2.awaitStarted(120, TimeUnit.SECONDS);
    OpenSslClient client = new OpenSslClient(protocol, "-cert", tls.clientCertificate().toString(),
        "-key", tls.clientKey().toString());
    Path session = run.resolve("session.pem");

    OpenSslClient.Result first = client.connect(https(node1), "/shop/public/tls", null, null, session);
    assertThat(first.reused()).isFalse();
    assertThat(first.get("node")).as(first.output()).isEqualTo("node1");
    assertThat(first.get("peer")).isEqualTo("CN=alice");
    String cookie = "JSESSIONID=" + first.get("session");

    OpenSslClient.Result second = client.connect(https(node2), "/shop/public/tls", cookie, session, null);
    assertThat(second.reused()).as(second.output()).isTrue();
    assertThat(second.get("node")).isEqualTo("node2");
    assertThat(second.cipher()).isEqualTo(first.cipher());
    assertThat(second.get("peer")).as("the client certificate travels in the ticket").isEqualTo("CN=alice");
    assertThat(second.get("bound")).as("the identity node1 bound to the HTTP session")
        .isEqualTo("[protocol=" + first.protocol() + " cipher=" + first.get("cipher") + " peer=CN=alice]");
    assertThat(second.get("cipher")).as("the cipher node2 sees").isEqualTo(first.get("cipher"));

    node1.kill();
    OpenSslClient.Result afterKill = client.connect(https(node2), "/shop/public/tls", cookie, session, null);
    assertThat(afterKill.reused()).as(afterKill.output()).isTrue();
    assertThat(afterKill.get("bound")).isEqualTo(second.get("bound"));
  }

  @Test
  void aTicketUnderThePreviousKeyResumesUntilItsKeyStopsDecrypting() throws Exception {
    TomcatDistribution dist = cluster("tls-rotation");
    // The sample server.xml with a fast rotation: a key encrypts for 2 s and decrypts 6 s longer.
    Path fast = run.resolve("server-tls-fast-rotation.xml");
    Files.writeString(fast, Files.readString(TomcatDistribution.sampleTlsServerXml())
        .replace("<Cluster className=\"dev.baton.tomcat.BatonCluster\"",
            "<Cluster className=\"dev.baton.tomcat.BatonCluster\" tlsKeyRotation=\"2000\" tlsTicketLifetime=\"6000\""));
    ServerNode node1 = start(dist, "node1", 1, fast);
    ServerNode node2 = start(dist, "node2", 2, fast);
    node1.awaitStarted(120, TimeUnit.SECONDS);
    node2.awaitStarted(120, TimeUnit.SECONDS);
    OpenSslClient client = new OpenSslClient("-tls1_2");
    Path old = run.resolve("old.pem");
    client.connect(https(node1), "/shop/public/stats", null, null, old);
    String oldKey = OpenSslClient.ticketKeyName(old, 4);
    assertThat(oldKey).as("the JDK names the key in the ticket's first 4 bytes").isNotNull();

    // Wait until node2 encrypts with another key: the old ticket's key is now the previous one.
    Path fresh = run.resolve("fresh.pem");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      client.connect(https(node2), "/shop/public/stats", null, null, fresh);
      return !oldKey.equals(OpenSslClient.ticketKeyName(fresh, 4));
    });
    assertThat(client.connect(https(node2), "/shop/public/stats", null, old, null).reused())
        .as("a ticket under the previous key still resumes").isTrue();

    // Once the old key is past its decryptUntil, the same ticket gets a clean full handshake.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      OpenSslClient.Result r = client.connect(https(node2), "/shop/public/stats", null, old, null);
      return !r.reused() && r.get("node").equals("node2");
    });
  }
}
