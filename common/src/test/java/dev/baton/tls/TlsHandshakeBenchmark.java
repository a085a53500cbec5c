package dev.baton.tls;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TLS work alone, without a container or sockets: one JSSE handshake between in-memory engines
 * (client and server, EC P-256), full, or resuming on "node B" a session whose ticket "node A" made
 * with the cluster's key. {@code mvn -pl common -Pbench test-compile exec:exec -Djmh.args=TlsHandshakeBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/sun.security.ssl=ALL-UNNAMED")
public class TlsHandshakeBenchmark {

  @Param({"TLSv1.2", "TLSv1.3"})
  String protocol;

  private SSLContext nodeA;
  private SSLContext nodeB;
  private SelfSignedCertificate cert;
  private SSLContext resumingClient;
  private int peer;
  private SSLSession fromA;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    cert = SelfSignedCertificate.create("node");
    long now = System.currentTimeMillis();
    TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(now, 3_600_000, 3_600_000, new SecureRandom());
    nodeA = cert.serverContext();
    nodeB = cert.serverContext();
    JdkTicketKeys.of(nodeA.getServerSessionContext()).install(ring, now);
    JdkTicketKeys.of(nodeB.getServerSessionContext()).install(ring, now);
    resumingClient = cert.clientContext();
    fromA = Handshake.run(resumingClient, nodeA, protocol, "resume");
    if (!JdkTicketKeys.resumed(fromA, Handshake.run(resumingClient, nodeB, protocol, "resume"))) {
      throw new IllegalStateException("node B did not resume node A's session");
    }
  }

  /** A new client session for every handshake: a full handshake on node B. */
  @Benchmark
  public SSLSession fullHandshake() throws Exception {
    return Handshake.run(cert.clientContext(), nodeB, protocol, "full-" + peer++);
  }

  /**
   * The client resumes, on node B, the session node A made (checked once in setup); every
   * resumption gets a new ticket under the same cluster key, so each iteration resumes again.
   */
  @Benchmark
  public SSLSession resumedOnAnotherNode() throws Exception {
    return Handshake.run(resumingClient, nodeB, protocol, "resume");
  }
}
