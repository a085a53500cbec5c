package dev.baton.it.tomcat;

import dev.baton.it.ServerNode;
import dev.baton.it.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real Tomcat distribution unpacked by the build, set up the way docs/install-tomcat.md tells a user:
 * <ol>
 *   <li>the drop-in jar copied into {@code $CATALINA_HOME/lib};</li>
 *   <li>{@code conf-samples/tomcat/server.xml} (and the sample users) as each node's configuration,
 *       a shared secret made with the jar's own command;</li>
 *   <li>the sample shop, {@code <distributable/>}, in {@code webapps/}.</li>
 * </ol>
 * Each node gets its own CATALINA_BASE; nodes differ only in system properties.
 */
public final class TomcatDistribution {

  private final Path home;
  private final Path runDir;
  private final Path secret;
  private final Map<String, String> extraProperties = new LinkedHashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private Path javaHome = Path.of(System.getProperty("java.home"));
  private TlsFiles tls;
  private final List<String> shopCopies = new ArrayList<>();
  private final Map<String, Path> otherApps = new LinkedHashMap<>();
  private final int mcastPort;

  /**
   * @param runDir where the node bases go (created)
   * @param mcastPort the cluster's multicast port, unique per run so runs never meet
   */
  public TomcatDistribution(Path runDir, int mcastPort) throws IOException, InterruptedException {
    this.home = Path.of(ServerNode.required("baton.tomcat.home"));
    this.runDir = Files.createDirectories(runDir);
    this.mcastPort = mcastPort;
    Path dropin = Path.of(ServerNode.required("baton.dropin"));
    Files.copy(dropin, home.resolve("lib").resolve("baton-tomcat-all.jar"), StandardCopyOption.REPLACE_EXISTING);
    // Made afresh: a run directory can be left from an earlier build, whose file a node may refuse.
    this.secret = ServerNode.makeSecret(dropin, runDir.resolve("baton.secret")); // docs/install-tomcat.md
  }

  /** Deploys the shop a second time under another context name on every node (for single sign-on). */
  public TomcatDistribution alsoDeployShopAs(String contextName) {
    shopCopies.add(contextName);
    return this;
  }

  /** Deploys the exploded web application {@code dir} as {@code contextName} on every node, beside the shop. */
  public TomcatDistribution alsoDeploy(String contextName, Path dir) {
    otherApps.put(contextName, dir);
    return this;
  }

  /** Extra system properties for every node (e.g. to pick another write mode in server.xml). */
  public TomcatDistribution property(String name, String value) {
    extraProperties.put(name, value);
    return this;
  }

  /** A JVM option for every node (e.g. the --add-opens that TLS failover on JSSE needs). */
  public TomcatDistribution jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** The JDK the nodes run on (the test JVM's by default). */
  public TomcatDistribution javaHome(Path jdk) {
    this.javaHome = jdk;
    return this;
  }

  /** The test certificate every node's HTTPS connector presents (conf/baton-tls.crt and .key), and the client CA. */
  public TomcatDistribution tls(TlsFiles files) {
    this.tls = files;
    return this;
  }

  public Path home() {
    return home;
  }

  /** The cluster secret every node of this run uses (a Jetty node of the same cluster needs it too). */
  public Path secret() {
    return secret;
  }

  /** Starts node {@code name} on {@code httpPort}; returns at once (see {@link ServerNode#awaitStarted}). */
  public ServerNode start(String name, int httpPort, Path serverXml) throws IOException {
    return start(name, httpPort, -1, serverXml);
  }

  /**
   * Starts node {@code name} with HTTP on {@code httpPort} and, for {@link #sampleTlsServerXml()},
   * HTTPS on {@code httpsPort}; returns at once.
   */
  public ServerNode start(String name, int httpPort, int httpsPort, Path serverXml) throws IOException {
    Path base = runDir.resolve(name);
    for (String d : List.of("conf", "logs", "temp", "work", "webapps")) {
      Files.createDirectories(base.resolve(d));
    }
    try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
      for (Path f : conf.filter(Files::isRegularFile).toList()) {
        Files.copy(f, base.resolve("conf").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path samples = Path.of(ServerNode.required("baton.samples"), "tomcat");
    Files.copy(serverXml, base.resolve("conf/server.xml"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(samples.resolve("tomcat-users.xml"), base.resolve("conf/tomcat-users.xml"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(secret, base.resolve("conf/baton.secret"), StandardCopyOption.REPLACE_EXISTING);
    if (tls != null) {
      Files.copy(tls.serverCertificate(), base.resolve("conf/baton-tls.crt"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(tls.serverKey(), base.resolve("conf/baton-tls.key"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(tls.clientTrustStore(), base.resolve("conf/baton-tls-clients.p12"), StandardCopyOption.REPLACE_EXISTING);
    }
    ServerNode.copyTree(Path.of(ServerNode.required("baton.shop")), base.resolve("webapps/shop"));
    for (String copy : shopCopies) {
      ServerNode.copyTree(Path.of(ServerNode.required("baton.shop")), base.resolve("webapps").resolve(copy));
    }
    for (Map.Entry<String, Path> app : otherApps.entrySet()) {
      ServerNode.copyTree(app.getValue(), base.resolve("webapps").resolve(app.getKey()));
    }

    StringBuilder opts = new StringBuilder("-Djava.net.preferIPv4Stack=true -Xmx512m")
        .append(" -Dbaton.node=").append(name)
        .append(" -Dbaton.http.port=").append(httpPort)
        .append(" -Dbaton.https.port=").append(httpsPort)
        .append(" -Dbaton.mcastPort=").append(mcastPort);
    jvmOptions.forEach(o -> opts.append(' ').append(o));
    extraProperties.forEach((k, v) -> opts.append(" -D").append(k).append('=').append(v));
    String extraOpts = System.getenv("BATON_NODE_OPTS");
    if (extraOpts != null && !extraOpts.isBlank()) {
      opts.append(' ').append(extraOpts.replace("{node}", name));
    }
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CATALINA_HOME", home.toString());
    pb.environment().put("CATALINA_BASE", base.toString());
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().put("CATALINA_OPTS", opts.toString());
    pb.environment().remove("JAVA_OPTS");
    return new ServerNode(name, httpPort, base, pb.start(), line -> line.contains("Server startup in"));
  }

  /** The sample server.xml with an HTTPS connector whose TLS sessions resume on every node. */
  public static Path sampleTlsServerXml() {
    return Path.of(ServerNode.required("baton.samples"), "tomcat", "server-tls.xml");
  }

  /** The sample server.xml a user copies. */
  public static Path sampleServerXml() {
    return Path.of(ServerNode.required("baton.samples"), "tomcat", "server.xml");
  }
}
