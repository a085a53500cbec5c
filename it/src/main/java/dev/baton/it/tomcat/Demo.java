package dev.baton.it.tomcat;

import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import dev.baton.it.jetty.JettyDistribution;
import dev.baton.it.tls.OpenSslClient;
import dev.baton.it.tls.TlsFiles;
import dev.baton.tls.JdkTicketKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * README's first command: three real Tomcat 11 nodes and one real Jetty 12 node on loopback with the
 * sample shop, a customer who logs in, fills a cart, enters a billing address and starts a payment,
 * then {@code kill -9} of the node that served it, and the customer carrying on on the others,
 * Jetty included, her TLS session resumed on another node. Ends with the counts lost and stops
 * every process it started.
 */
public final class Demo {

  private static final int OTHER_CUSTOMERS = 100;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    int[] ports = freePorts(7);
    Path run = Path.of("target", "demo-" + ProcessHandle.current().pid());
    int mcastPort = 45000 + (int) (ProcessHandle.current().pid() % 1000);
    TlsFiles tls = TlsFiles.make(run.resolve("tls"));
    TomcatDistribution dist = new TomcatDistribution(run.resolve("tomcat"), mcastPort).tls(tls)
        .jvmOption(JdkTicketKeys.ADD_OPENS);
    JettyDistribution jetties = new JettyDistribution(run.resolve("jetty"), dist.secret(), mcastPort);
    List<ServerNode> nodes = new ArrayList<>();
    List<ServerNode> jettyNodes = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      nodes.forEach(Demo::quietClose);
      jettyNodes.forEach(Demo::quietClose);
    }));
    try {
      say("");
      say("Baton demo: three Tomcat %s nodes and one Jetty 12 node on loopback, one shop, one customer.", version(dist));
      say("Tomcat nodes: the drop-in jar in lib/, conf-samples/tomcat/server-tls.xml (HTTP and HTTPS); the");
      say("Jetty node: the session-store-baton module in its jetty-base. Same cluster, same shop <distributable/>.");
      say("");
      long t0 = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        nodes.add(dist.start("node" + (i + 1), ports[i], ports[4 + i], TomcatDistribution.sampleTlsServerXml()));
      }
      ServerNode jetty = jetties.start("jetty1", ports[3], "session-cache-null");
      jettyNodes.add(jetty);
      for (ServerNode n : nodes) {
        while (true) {
          System.out.printf("\r  starting node1, node2, node3 (Tomcat), jetty1 (Jetty) ... %.1f s", (System.nanoTime() - t0) / 1e9);
          try {
            n.awaitStarted(1, TimeUnit.SECONDS);
            break;
          } catch (IllegalStateException notYet) {
            if (!n.isAlive()) {
              throw notYet;
            }
          }
        }
      }
      jetty.awaitStarted(120, TimeUnit.SECONDS);
      System.out.printf("\r  started node1 (:%d), node2 (:%d), node3 (:%d), jetty1 (:%d) in %.1f s          %n%n",
          ports[0], ports[1], ports[2], ports[3], (System.nanoTime() - t0) / 1e9);
      ServerNode node1 = nodes.get(0);
      ServerNode node2 = nodes.get(1);
      ServerNode node3 = nodes.get(2);

      ShopClient alice = new ShopClient();
      step(alice.login(node1.httpPort(), "alice", "alice-secret"), "log in as alice (FORM login)", alice);
      step(alice.post(node1.httpPort(), "/shop/api/cart", Map.of("item", "book")), "add a book to the cart", alice);
      step(alice.post(node2.httpPort(), "/shop/api/cart", Map.of("item", "pen")), "add a pen (the balancer picked node2)", alice);
      step(alice.post(node2.httpPort(), "/shop/api/billing",
          Map.of("name", "Alice Martin", "street", "1 Rue Royale", "city", "Paris")), "enter the billing address", alice);
      step(alice.post(node2.httpPort(), "/shop/api/pay", Map.of()), "start the payment", alice);

      System.out.printf("%n  meanwhile %d other customers shop on node2 ...", OTHER_CUSTOMERS);
      List<ShopClient> others = new ArrayList<>();
      for (int i = 0; i < OTHER_CUSTOMERS; i++) {
        ShopClient c = new ShopClient();
        c.login(node2.httpPort(), "bob", "bob-secret");
        c.post(node2.httpPort(), "/shop/api/cart", Map.of("item", "item" + i));
        c.post(node2.httpPort(), "/shop/api/pay", Map.of());
        others.add(c);
        if (i % 10 == 9) {
          System.out.printf("\r  meanwhile %d other customers shop on node2 ... %d", OTHER_CUSTOMERS, i + 1);
        }
      }
      say("");
      say("");
      // Her browser's TLS connection to node2: a full handshake; the client keeps the TLS session.
      OpenSslClient browser = new OpenSslClient("-tls1_3");
      Path tlsSession = run.resolve("alice-tls-session.pem");
      OpenSslClient.Result full = browser.connect(ports[5], "/shop/public/stats", null, null, tlsSession);
      say("  [node2] HTTPS: %-34s %s, %s, the server sent its certificate", "a new TLS session", full.reused() ? "Reused" : "New",
          full.protocol());
      say("");
      say("  kill -9 %d   (node2, the node serving alice and the others; no warning, no settle time)", node2.pid());
      long killed = System.nanoTime();
      node2.kill();
      say("");

      OpenSslClient.Result resumed = browser.connect(ports[6], "/shop/public/stats", null, tlsSession, null);
      say("  [node3] HTTPS: %-34s %s, %s, %s", "her TLS session, offered to node3", resumed.reused() ? "Reused" : "New",
          resumed.protocol(), resumed.reused() ? "abbreviated handshake (node3 has the cluster's ticket keys)" : "full handshake");
      step(alice.get(node3.httpPort(), "/shop/api/state"), "carry on: look at the cart", alice);
      step(alice.post(node3.httpPort(), "/shop/api/pay", Map.of("capture", "yes")), "confirm the payment", alice);
      step(alice.get(node1.httpPort(), "/shop/api/state"), "and once more, on node1", alice);
      step(alice.post(jetty.httpPort(), "/shop/api/cart", Map.of("item", "gift wrap")), "add gift wrap, on the Jetty node", alice);
      step(alice.get(node3.httpPort(), "/shop/api/state"), "back on Tomcat node3", alice);

      dev.baton.it.Losses lost = dev.baton.it.Losses.check(others, i -> (i % 2 == 0 ? node1 : node3).httpPort(),
          "bob", i -> "item" + i, null);
      say("");
      say("  %d other customers checked on node1 and node3, %.2f s after the kill:", OTHER_CUSTOMERS,
          (System.nanoTime() - killed) / 1e9);
      say("  lost: %s", lost);
      say("");
      say("  stopping the nodes; logs are in %s", run.toAbsolutePath());
    } finally {
      nodes.forEach(Demo::quietClose);
      jettyNodes.forEach(Demo::quietClose);
    }
  }

  private static void step(ShopClient.Answer a, String what, ShopClient client) {
    String session = client.sessionId() == null ? "-" : client.sessionId().substring(0, 6) + "…"
        + client.sessionId().substring(client.sessionId().indexOf('.'));
    say("  [%s] %-40s user=%s cart=%s billing=%s payment=%s  (session %s)", a.get("node"), what,
        a.get("user"), blank(a.get("cart")), blank(a.get("billing")), blank(a.get("payment")), session);
  }

  private static String blank(String s) {
    return s.isEmpty() ? "-" : s;
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }

  private static String version(TomcatDistribution dist) {
    String name = dist.home().getFileName().toString();
    return name.startsWith("apache-tomcat-") ? name.substring("apache-tomcat-".length()) : name;
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }

  private static void quietClose(AutoCloseable n) {
    try {
      n.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("could not stop a node: " + e);
    }
  }
}
