package dev.baton.it.tomcat;

import dev.baton.it.ServerNode;
import dev.baton.it.LoadProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Baton against Tomcat's own session managers, in one run: the same Tomcat distribution, shop and
 * load ({@code wrk -t2 -c32}, one session, a 1 KB attribute written per request) for
 * StandardManager (no clustering), DeltaManager and BackupManager (catalina-ha, multicast
 * membership on loopback) and Baton async, sync (sessions swapped out after each request, the
 * default {@code maxIdleSwap="0"}), and sync keeping live sessions ({@code maxIdleSwap="-1"}).
 * Then, per manager, 1,000 new sessions on node1,
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
    Map<String, String> rows = new LinkedHashMap<>();
    forEachVariant(only, "compare", (v, n1, n2) -> {
      rows.put(v.name(), LoadProbe.row(v.name(), n1, n2, seconds, FAILOVER_SESSIONS));
      System.err.println(rows.get(v.name()));
    });
    System.out.println("| manager | req/s | p50 | p99 | after kill -9 of node1, 1,000 new sessions |");
    System.out.println("|---|---|---|---|---|");
    rows.values().forEach(System.out::println);
  }

  interface Measurement {
    void run(Variant v, ServerNode node1, ServerNode node2) throws Exception;
  }

  /**
   * Starts two nodes of the real distribution for each manager whose name contains {@code only}
   * (the sample server.xml with that manager's cluster element) and runs {@code m} on them.
   */
  static void forEachVariant(String only, String runName, Measurement m) throws Exception {
    String sample = Files.readString(TomcatDistribution.sampleServerXml());
    String batonElement = sample.substring(sample.indexOf(BATON_CLUSTER), sample.indexOf("/>", sample.indexOf(BATON_CLUSTER)) + 2);
    List<Variant> variants = List.of(
        new Variant("StandardManager (no clustering)", ""),
        new Variant("DeltaManager, async (default)", tribes("DeltaManager", 8)),
        new Variant("DeltaManager, sync-ack", tribes("DeltaManager", 6)),
        new Variant("BackupManager", tribes("BackupManager", 6)),
        new Variant("Baton async", batonElement.replace("writeMode=\"sync\"", "writeMode=\"async\"")),
        new Variant("Baton sync", batonElement),
        new Variant("Baton sync, maxIdleSwap=-1", batonElement.replace("secretFile=", "maxIdleSwap=\"-1\" secretFile=")));
    int port = 21000 + (int) (ProcessHandle.current().pid() % 500) * 20; // below the ephemeral range
    for (Variant v : variants) {
      if (!v.name().contains(only)) {
        continue;
      }
      Path run = Path.of("target", runName + "-" + ProcessHandle.current().pid(), v.name().replaceAll("[^A-Za-z]+", "-"));
      TomcatDistribution dist = new TomcatDistribution(run, 41000 + port % 5000);
      Path serverXml = run.resolve("server.xml");
      // Without the SSO valve, which needs the Baton cluster and is not part of this comparison.
      Files.writeString(serverXml, sample.replace(batonElement, v.cluster())
          .replace("<Valve className=\"dev.baton.tomcat.BatonSingleSignOn\"/>", ""));
      try (ServerNode n1 = dist.start("node1", port + 1, serverXml); ServerNode n2 = dist.start("node2", port + 2, serverXml)) {
        n1.awaitStarted(120, TimeUnit.SECONDS);
        n2.awaitStarted(120, TimeUnit.SECONDS);
        m.run(v, n1, n2);
      }
      port += 3;
    }
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
}
