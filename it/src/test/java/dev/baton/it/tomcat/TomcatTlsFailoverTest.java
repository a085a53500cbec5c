package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.it.ServerNode;
import dev.baton.it.tls.OpenSslClient;
import dev.baton.it.tls.TcpForwarder;
import dev.baton.it.tls.TlsFiles;
import dev.baton.tls.JdkTicketKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS sessions across two real Tomcat nodes (the distribution, {@code conf-samples/tomcat/server-tls.xml}),
 * checked with the real {@code openssl s_client}: a session made on node1 resumes on node2, also
 * after node1 is killed. Two TLS stacks, as docs/tls.md sets them up: the JDK's own (JSSE, on the test's
 * Java 17 with the --add-opens docs/tls.md names) and OpenSSL through FFM (the same server.xml on Java
 * 22+, with --enable-native-access).
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

  /** Tomcat on Java 22+, where the sample's OpenSSLLifecycleListener puts TLS on OpenSSL (FFM). */
  private TomcatDistribution openSslCluster(String name) throws Exception {
    Path jdk = Path.of(ServerNode.required("baton.jdk22.home"));
    assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "no Java 22+ at " + jdk + " (-Dbaton.jdk22.home)");
    return cluster(name).javaHome(jdk).jvmOption("--enable-native-access=ALL-UNNAMED");
  }

  /**
   * Starts a node and waits until it serves. One after the other, so the second joins the first's
   * cluster: two nodes started at the same instant may each found a cluster of one and merge only
   * later, each with its own ticket keys until then.
   */
  private ServerNode startInTurn(TomcatDistribution dist, String name, int n, Path serverXml) throws Exception {
    ServerNode node = dist.start(name, port + n, port + 4 + n, serverXml);
    nodes.add(node);
    node.awaitStarted(120, TimeUnit.SECONDS);
    return node;
  }

  private int https(ServerNode node) {
    return node.httpPort() + 4;
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_2", "-tls1_3"})
  void jsse(String protocol) throws Exception {
    TomcatDistribution dist = cluster("jsse" + protocol);
    aSessionMadeOnOneNodeResumesOnTheOtherAlsoAfterItsNodeIsKilled(dist, protocol);
    assertThat(Files.readString(nodes.get(1).base().resolve("logs/console.log")))
        .contains("resume on every node by ticket (JSSE)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_2", "-tls1_2 -no_ticket", "-tls1_3"})
  void openSsl(String protocol) throws Exception {
    TomcatDistribution dist = openSslCluster("openssl" + protocol.replace(" ", ""));
    aSessionMadeOnOneNodeResumesOnTheOtherAlsoAfterItsNodeIsKilled(dist, protocol.split(" "));
    assertThat(Files.readString(nodes.get(1).base().resolve("logs/console.log")))
        .contains("resume on every node, by ticket and by session id");
  }

  /**
   * The JDK's own TLS client, through one address (a TCP forwarder standing for a load balancer):
   * its session cache offers node1's session to node2 once node1 is killed, and node2 resumes it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void aJavaClientResumesOnTheOtherNodeBehindOneAddress(String protocol) throws Exception {
    TomcatDistribution dist = cluster("java-client-" + protocol);
    ServerNode node1 = startInTurn(dist, "node1", 1, TomcatDistribution.sampleTlsServerXml());
    ServerNode node2 = startInTurn(dist, "node2", 2, TomcatDistribution.sampleTlsServerXml());
    SSLContext client = trusting(tls.serverCertificate());
    try (TcpForwarder front = new TcpForwarder(https(node1))) {
      SSLSession first = get(client, front.port(), protocol);
      node1.kill();
      front.target(https(node2));
      SSLSession second = get(client, front.port(), protocol);
      assertThat(second.getProtocol()).isEqualTo(protocol);
      assertThat(second.getCreationTime()).as("the session resumed on node2 is node1's").isEqualTo(first.getCreationTime());
    }
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(certificate)) {
      trust.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** One HTTPS request on a new connection; the client's session cache may resume a session. */
  private static SSLSession get(SSLContext client, int port, String protocol) throws Exception {
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
      s.setEnabledProtocols(new String[] {protocol});
      s.getOutputStream().write("GET /shop/public/stats HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).contains("node=");
      return s.getSession();
    }
  }

  private void aSessionMadeOnOneNodeResumesOnTheOtherAlsoAfterItsNodeIsKilled(TomcatDistribution dist,
      String... protocol) throws Exception {
    ServerNode node1 = startInTurn(dist, "node1", 1, TomcatDistribution.sampleTlsServerXml());
    ServerNode node2 = startInTurn(dist, "node2", 2, TomcatDistribution.sampleTlsServerXml());
    List<String> options = new ArrayList<>(List.of(protocol));
    options.addAll(List.of("-cert", tls.clientCertificate().toString(), "-key", tls.clientKey().toString()));
    OpenSslClient client = new OpenSslClient(options.toArray(String[]::new));
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

  @ParameterizedTest
  @ValueSource(strings = {"jsse", "openssl"})
  void aTicketUnderThePreviousKeyResumesUntilItsKeyStopsDecrypting(String stack) throws Exception {
    TomcatDistribution dist = stack.equals("jsse") ? cluster("rotation-jsse") : openSslCluster("rotation-openssl");
    // The key's name opens the ticket: 4 bytes with the JDK, 16 with OpenSSL.
    int nameBytes = stack.equals("jsse") ? 4 : 16;
    // The sample server.xml with a fast rotation: a key encrypts for 2 s and decrypts 6 s longer.
    Path fast = run.resolve("server-tls-fast-rotation.xml");
    Files.writeString(fast, Files.readString(TomcatDistribution.sampleTlsServerXml())
        .replace("<Cluster className=\"dev.baton.tomcat.BatonCluster\"",
            "<Cluster className=\"dev.baton.tomcat.BatonCluster\" tlsKeyRotation=\"2000\" tlsTicketLifetime=\"6000\""));
    ServerNode node1 = startInTurn(dist, "node1", 1, fast);
    ServerNode node2 = startInTurn(dist, "node2", 2, fast);
    OpenSslClient client = new OpenSslClient("-tls1_2");
    Path old = run.resolve("old.pem");
    client.connect(https(node1), "/shop/public/stats", null, null, old);
    String oldKey = OpenSslClient.ticketKeyName(old, nameBytes);
    assertThat(oldKey).as("the ticket names its key").isNotNull();

    // Wait until node2 encrypts with another key: the old ticket's key is now the previous one.
    Path fresh = run.resolve("fresh.pem");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      client.connect(https(node2), "/shop/public/stats", null, null, fresh);
      return !oldKey.equals(OpenSslClient.ticketKeyName(fresh, nameBytes));
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
