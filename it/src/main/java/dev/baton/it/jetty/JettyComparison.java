package dev.baton.it.jetty;

import dev.baton.it.LoadProbe;
import dev.baton.it.ServerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Baton against Jetty's own session stores, in one run: the same jetty-home 12.1.5, shop and load
 * ({@code wrk -t2 -c32}, one session, 1 KB of fresh bytes written per request) with Jetty's default
 * session cache in front of: no store (sessions only in memory, no clustering), the file store on
 * a directory both nodes share, the embedded Hazelcast store (pinned to loopback: TCP join on
 * 127.0.0.1, no multicast, no phone-home), and Baton async and sync. Then 1,000 new sessions on
 * node1, {@code kill -9} of node1 and the sessions node2 cannot read. Run with
 * {@code it/compare-jetty [seconds] [name filter]}; prints a Markdown table. Extra JVM options for
 * the nodes go in the environment variable {@code BATON_NODE_OPTS}.
 */
public final class JettyComparison {

  private static final int FAILOVER_SESSIONS = 1000;

  private JettyComparison() {}

  record Variant(String name, String modules, Map<String, String> ini, List<String> jvm) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String only = args.length > 1 ? args[1] : "";
    long pid = ProcessHandle.current().pid();
    Path root = Path.of("target", "compare-jetty-" + pid).toAbsolutePath();
    Files.createDirectories(root);
    Path hazelcastXml = root.resolve("hazelcast-loopback.xml");
    Files.writeString(hazelcastXml, """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <cluster-name>baton-compare-%d</cluster-name>
          <properties>
            <property name="hazelcast.phone.home.enabled">false</property>
            <property name="hazelcast.socket.bind.any">false</property>
          </properties>
          <network>
            <port auto-increment="true" port-count="10">5701</port>
            <join>
              <auto-detection enabled="false"/>
              <multicast enabled="false"/>
              <tcp-ip enabled="true"><member>127.0.0.1:5701</member><member>127.0.0.1:5702</member></tcp-ip>
            </join>
            <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
          </network>
        </hazelcast>
        """.formatted(pid));
    List<Variant> variants = List.of(
        new Variant("no store (in memory, no clustering)", "session-cache-hash", Map.of(), List.of()),
        new Variant("FileSessionDataStore (shared directory)", "session-store-file,session-cache-hash",
            Map.of("jetty.session.file.storeDir", root.resolve("shared-sessions").toString()), List.of()),
        new Variant("Hazelcast (embedded, jetty-hazelcast 12.1.5)", "session-store-hazelcast-embedded,session-cache-hash",
            Map.of("jetty.session.hazelcast.configurationLocation", hazelcastXml.toString()),
            List.of("-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=jdk")),
        new Variant("Baton async", "session-store-baton,session-cache-hash", Map.of("baton.writeMode", "async"), List.of()),
        new Variant("Baton sync", "session-store-baton,session-cache-hash", Map.of(), List.of()));
    Map<String, String> rows = new LinkedHashMap<>();
    int port = 21500 + (int) (pid % 500) * 20; // below the ephemeral range
    for (Variant v : variants) {
      if (!v.name().contains(only)) {
        continue;
      }
      Path run = root.resolve(v.name().replaceAll("[^A-Za-z]+", "-"));
      JettyDistribution dist = new JettyDistribution(run, JettyDistribution.newSecret(run), 41500 + port % 5000);
      List<String> jvm = new java.util.ArrayList<>(v.jvm());
      String extra = System.getenv("BATON_NODE_OPTS"); // a profiler, say
      if (extra != null && !extra.isBlank()) {
        jvm.addAll(List.of(extra.trim().split("\\s+")));
      }
      try (ServerNode n1 = dist.start("node1", port + 1, v.modules(), v.ini(), jvm);
           ServerNode n2 = dist.start("node2", port + 2, v.modules(), v.ini(), jvm)) {
        n1.awaitStarted(180, TimeUnit.SECONDS);
        n2.awaitStarted(180, TimeUnit.SECONDS);
        rows.put(v.name(), LoadProbe.row(v.name(), n1, n2, seconds, FAILOVER_SESSIONS));
      } catch (RuntimeException e) {
        rows.put(v.name(), "| " + v.name() + " | failed: " + e.getMessage() + " | | | |");
      }
      System.err.println(rows.get(v.name()));
      port += 3;
    }
    System.out.println("| Jetty session store | req/s | p50 | p99 | after kill -9 of node1, 1,000 new sessions |");
    System.out.println("|---|---|---|---|---|");
    rows.values().forEach(System.out::println);
  }
}
