package dev.baton.it.tomcat;

import dev.baton.it.ServerNode;
import dev.baton.it.tls.OpenSslClient;
import dev.baton.it.tls.TlsFiles;
import dev.baton.tls.JdkTicketKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Server CPU per TLS handshake on node2 of a two-node Tomcat cluster: a full handshake against a
 * resumption of a session made on node1, for the JDK's TLS (on this JVM's Java) and OpenSSL (FFM, on
 * the Java of {@code baton.jdk22.home}), TLS 1.2 and 1.3. The client is {@code openssl s_client}
 * (one process per connection: handshake, then close, no request); node2's CPU time comes from the
 * OS, so the client's own cost does not count, and node2's idle CPU (JGroups heartbeats, timers),
 * measured for a few seconds first, is subtracted. Prints a Markdown table; it measures, it does not
 * judge.
 *
 * <pre>it/tls-handshake-cost [connections per case] [ec|rsa: the servers' key, EC P-256 by default]</pre>
 */
public final class TlsHandshakeCost {

  private TlsHandshakeCost() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    boolean rsa = args.length > 1 && args[1].equalsIgnoreCase("rsa");
    System.out.println("| TLS stack (node JVM), server key | protocol | full handshake, node2 CPU | resumed from node1, node2 CPU | resumed / full |");
    System.out.println("|---|---|---:|---:|---:|");
    for (String stack : List.of("JSSE", "OpenSSL")) {
      for (String protocol : List.of("-tls1_2", "-tls1_3")) {
        measure(stack, protocol, n, rsa);
      }
    }
  }

  private static void measure(String stack, String protocol, int n, boolean rsa) throws Exception {
    int port = 26000 + (int) (ProcessHandle.current().pid() % 300) * 8;
    Path run = Path.of("target", "runs", "tls-cost-" + stack + protocol + "-" + port);
    TlsFiles tls = TlsFiles.make(run.resolve("tls"), rsa);
    TomcatDistribution dist = new TomcatDistribution(run, 45000 + port % 5000).tls(tls).jvmOption(JdkTicketKeys.ADD_OPENS);
    if (stack.equals("OpenSSL")) {
      dist.javaHome(Path.of(ServerNode.required("baton.jdk22.home"))).jvmOption("--enable-native-access=ALL-UNNAMED");
    }
    try (ServerNode node1 = dist.start("node1", port + 1, port + 5, TomcatDistribution.sampleTlsServerXml())) {
      node1.awaitStarted(120, TimeUnit.SECONDS);
      try (ServerNode node2 = dist.start("node2", port + 2, port + 6, TomcatDistribution.sampleTlsServerXml())) {
        node2.awaitStarted(120, TimeUnit.SECONDS);
        OpenSslClient client = new OpenSslClient(protocol);
        Path sessions = Files.createDirectories(run.resolve("sessions"));
        for (int i = 0; i < n; i++) { // sessions made on node1: node2 does no work here
          client.connect(port + 5, "/shop/public/stats", null, null, sessions.resolve(i + ".pem"));
        }
        for (int i = 0; i < 100; i++) { // warm node2 up (JIT) on both paths
          client.handshake(port + 6, null);
          client.handshake(port + 6, sessions.resolve(i % n + ".pem"));
        }
        double idleCpuPerNano = cpuOf(node2, () -> Thread.sleep(5000)).toNanos() / 5e9;
        double f = perHandshakeMicros(node2, idleCpuPerNano, n, i -> client.handshake(port + 6, null));
        int[] reused = {0};
        double r = perHandshakeMicros(node2, idleCpuPerNano, n,
            i -> reused[0] += client.handshake(port + 6, sessions.resolve(i + ".pem")) ? 1 : 0);
        System.out.printf("| %s (Java %s), %s | %s | %.0f µs | %.0f µs (%d/%d reused) | %.2f |%n", stack,
            stack.equals("OpenSSL") ? "22+" : Runtime.version().feature(), rsa ? "RSA 2048" : "EC P-256",
            protocol.substring(1), f, r, reused[0], n, r / f);
      }
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private interface Step {
    void run(int i) throws Exception;
  }

  /** Node CPU per step, less what the node burns when idle over the same wall time. */
  private static double perHandshakeMicros(ServerNode node, double idleCpuPerNano, int n, Step step) throws Exception {
    long start = System.nanoTime();
    Duration cpu = cpuOf(node, () -> {
      for (int i = 0; i < n; i++) {
        step.run(i);
      }
    });
    double idle = idleCpuPerNano * (System.nanoTime() - start);
    return Math.max(0, cpu.toNanos() - idle) / 1e3 / n;
  }

  private static Duration cpuOf(ServerNode node, Work work) throws Exception {
    ProcessHandle p = ProcessHandle.of(node.pid()).orElseThrow();
    Duration before = p.info().totalCpuDuration().orElseThrow();
    work.run();
    return p.info().totalCpuDuration().orElseThrow().minus(before);
  }
}
