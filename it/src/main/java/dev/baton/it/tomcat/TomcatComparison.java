package dev.baton.it.tomcat;

import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Baton against Tomcat's own session managers, in one run: the same Tomcat distribution, shop and
 * load ({@code wrk -t2 -c32}, one session, a 1 KB attribute written per request) for
 * StandardManager (no clustering), DeltaManager and BackupManager (catalina-ha, multicast
 * membership on loopback) and Baton async and sync. Then, per manager, 1,000 new sessions on node1,
 * {@code kill -9} of node1 with no settle time, and the sessions whose attribute node2 cannot read
 * (first pass right after the kill, and how long until all are readable, bounded at 10 s).
 * Run with {@code it/compare-tomcat [seconds] [name filter]}; prints a Markdown table. Extra JVM
 * options for the nodes (a profiler, say) go in the environment variable {@code BATON_NODE_OPTS}.
 */
public final class TomcatComparison {

  private static final String BATON_CLUSTER = "<Cluster className=\"dev.baton.tomcat.BatonCluster\"";
  private static final int FAILOVER_SESSIONS = 1000;

  private TomcatComparison() {}

  record Variant(String name, String cluster) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String only = args.length > 1 ? args[1] : "";
    String sample = Files.readString(TomcatDistribution.sampleServerXml());
    String batonElement = sample.substring(sample.indexOf(BATON_CLUSTER), sample.indexOf("/>", sample.indexOf(BATON_CLUSTER)) + 2);
    List<Variant> variants = List.of(
        new Variant("StandardManager (no clustering)", ""),
        new Variant("DeltaManager, async (default)", tribes("DeltaManager", 8)),
        new Variant("DeltaManager, sync-ack", tribes("DeltaManager", 6)),
        new Variant("BackupManager", tribes("BackupManager", 6)),
        new Variant("Baton async", batonElement.replace("writeMode=\"sync\"", "writeMode=\"async\"")),
        new Variant("Baton sync", batonElement));
    Map<String, String> rows = new LinkedHashMap<>();
    int port = 21000 + (int) (ProcessHandle.current().pid() % 500) * 20; // below the ephemeral range
    for (Variant v : variants) {
      if (!v.name().contains(only)) {
        continue;
      }
      Path run = Path.of("target", "compare-" + ProcessHandle.current().pid(), v.name().replaceAll("[^A-Za-z]+", "-"));
      TomcatDistribution dist = new TomcatDistribution(run, 41000 + port % 5000);
      Path serverXml = run.resolve("server.xml");
      // Without the SSO valve, which needs the Baton cluster and is not part of this comparison.
      Files.writeString(serverXml, sample.replace(batonElement, v.cluster())
          .replace("<Valve className=\"dev.baton.tomcat.BatonSingleSignOn\"/>", ""));
      try (ServerNode n1 = dist.start("node1", port + 1, serverXml); ServerNode n2 = dist.start("node2", port + 2, serverXml)) {
        n1.awaitStarted(120, TimeUnit.SECONDS);
        n2.awaitStarted(120, TimeUnit.SECONDS);
        ShopClient one = new ShopClient();
        one.get(n1.httpPort(), "/shop/public/blob?size=1024");
        String url = "http://127.0.0.1:" + n1.httpPort() + "/shop/public/blob?size=1024";
        wrk(one.sessionId(), url, 3); // warm-up
        String[] load = wrk(one.sessionId(), url, seconds);
        String failover = failover(n1, n2);
        rows.put(v.name(), String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", v.name(), load[0], load[1], load[2], failover));
        System.err.println(rows.get(v.name()));
      }
      port += 3;
    }
    System.out.println("| manager | req/s | p50 | p99 | after kill -9 of node1, 1,000 new sessions |");
    System.out.println("|---|---|---|---|---|");
    rows.values().forEach(System.out::println);
  }

  /** A SimpleTcpCluster as Tomcat's documentation shows it, bound to loopback. */
  private static String tribes(String manager, int sendOptions) {
    return "<Cluster className=\"org.apache.catalina.ha.tcp.SimpleTcpCluster\" channelSendOptions=\"" + sendOptions + "\">"
        + "<Manager className=\"org.apache.catalina.ha.session." + manager + "\" expireSessionsOnShutdown=\"false\" notifyListenersOnReplication=\"true\"/>"
        + "<Channel className=\"org.apache.catalina.tribes.group.GroupChannel\">"
        + "<Membership className=\"org.apache.catalina.tribes.membership.McastService\" address=\"228.0.0.4\" port=\"${baton.mcastPort}\" bind=\"127.0.0.1\" frequency=\"500\" dropTime=\"3000\"/>"
        + "<Receiver className=\"org.apache.catalina.tribes.transport.nio.NioReceiver\" address=\"127.0.0.1\" port=\"4000\" autoBind=\"100\" selectorTimeout=\"5000\" maxThreads=\"6\"/>"
        + "<Sender className=\"org.apache.catalina.tribes.transport.ReplicationTransmitter\"><Transport className=\"org.apache.catalina.tribes.transport.nio.PooledParallelSender\"/></Sender>"
        + "<Interceptor className=\"org.apache.catalina.tribes.group.interceptors.TcpFailureDetector\"/>"
        + "<Interceptor className=\"org.apache.catalina.tribes.group.interceptors.MessageDispatchInterceptor\"/>"
        + "</Channel>"
        + "<Valve className=\"org.apache.catalina.ha.tcp.ReplicationValve\" filter=\"\"/>"
        + "<Valve className=\"org.apache.catalina.ha.session.JvmRouteBinderValve\"/>"
        + "<ClusterListener className=\"org.apache.catalina.ha.session.ClusterSessionListener\"/>"
        + "</Cluster>";
  }

  /** Runs wrk and returns req/s, p50 and p99. */
  private static String[] wrk(String session, String url, int seconds) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t2", "-c32", "-d" + seconds + "s", "--latency",
        "-H", "Cookie: JSESSIONID=" + session, url).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        out.append(l).append('\n');
      }
    }
    p.waitFor(seconds + 30L, TimeUnit.SECONDS);
    String text = out.toString();
    return new String[] {find(text, "Requests/sec:\\s+([0-9.]+)"), find(text, "\\s50%\\s+(\\S+)"), find(text, "\\s99%\\s+(\\S+)")};
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : "?";
  }

  private static String failover(ServerNode n1, ServerNode n2) throws Exception {
    List<ShopClient> sessions = new ArrayList<>();
    for (int i = 0; i < FAILOVER_SESSIONS; i++) {
      ShopClient c = new ShopClient();
      c.get(n1.httpPort(), "/shop/public/blob?size=1024");
      sessions.add(c);
    }
    long killed = System.nanoTime();
    n1.kill();
    List<ShopClient> missing = new ArrayList<>(sessions);
    int firstPass = -1;
    double firstPassEnd = 0;
    long deadline = killed + TimeUnit.SECONDS.toNanos(10);
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      List<ShopClient> still = new ArrayList<>();
      for (ShopClient c : missing) {
        if (!"true".equals(c.get(n2.httpPort(), "/shop/public/has").get("has"))) {
          still.add(c);
        }
      }
      if (firstPass < 0) {
        firstPass = still.size();
        firstPassEnd = (System.nanoTime() - killed) / 1e9;
      }
      missing = still;
    }
    // The first look starts at once after the kill and reads the 1,000 sessions one by one.
    String first = String.format(Locale.ROOT, "%d missing at the first look (+0 to +%.2f s)", firstPass, firstPassEnd);
    return missing.isEmpty() ? first + (firstPass == 0 ? "" : String.format(Locale.ROOT,
        "; all readable after %.2f s", (System.nanoTime() - killed) / 1e9))
        : first + String.format(Locale.ROOT, "; %d still missing after 10 s", missing.size());
  }
}
