package dev.baton.it.jetty;

import dev.baton.it.ServerNode;
import dev.baton.it.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real jetty-home distribution unpacked by the build, each node a fresh jetty-base made the way
 * {@code conf-samples/jetty/README.md} tells a user: the module zip unpacked into the base,
 * {@code start.jar --add-modules=...}, the sample ini files, a shared secret, the shop in
 * {@code webapps/}.
 */
public final class JettyDistribution {

  private final Path home;
  private final Path runDir;
  private final int mcastPort;
  private final Path secret;
  private TlsFiles tls;

  public JettyDistribution(Path runDir, Path secret, int mcastPort) throws IOException {
    this.home = Path.of(ServerNode.required("baton.jetty.home"));
    this.runDir = Files.createDirectories(runDir).toAbsolutePath();
    this.mcastPort = mcastPort;
    this.secret = secret;
  }

  /** The key store every node's TLS connector uses (etc/baton-tls.p12); add the https module to use it. */
  public JettyDistribution tls(TlsFiles files) {
    this.tls = files;
    return this;
  }

  /** Makes a cluster secret with the module's own jar, as the module's ini tells a user to. */
  public static Path newSecret(Path dir) throws IOException, InterruptedException {
    return ServerNode.makeSecret(Path.of(ServerNode.required("baton.jetty.module"), "lib", "baton", "baton-jetty-all.jar"),
        dir.resolve("baton.secret"));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Creates node {@code name}'s jetty-base and starts it; returns at once. */
  public ServerNode start(String name, int httpPort, String cacheModule) throws IOException, InterruptedException {
    return start(name, httpPort, cacheModule, java.util.Map.of());
  }

  /** As {@link #start(String, int, String)}, with extra properties for the node's ini file. */
  public ServerNode start(String name, int httpPort, String cacheModule, java.util.Map<String, String> ini)
      throws IOException, InterruptedException {
    return start(name, httpPort, "session-store-baton," + cacheModule, ini, List.of());
  }

  /**
   * Creates and starts a node with the given session modules (besides http, ee11-deploy and the
   * shop's realm), extra ini properties and extra JVM options.
   */
  public ServerNode start(String name, int httpPort, String sessionModules, java.util.Map<String, String> ini,
      List<String> jvmOptions) throws IOException, InterruptedException {
    Path base = Files.createDirectories(runDir.resolve(name));
    Path samples = Path.of(ServerNode.required("baton.samples"), "jetty");
    ServerNode.copyTree(Path.of(ServerNode.required("baton.jetty.module")), base);
    ServerNode.copyTree(samples.resolve("modules"), base.resolve("modules"));
    ServerNode.copyTree(samples.resolve("etc"), base.resolve("etc"));
    Process add = new ProcessBuilder(javaBin(), "-jar", home.resolve("start.jar").toString(),
        "jetty.home=" + home, "jetty.base=" + base,
        "--add-modules=http,ee11-deploy," + sessionModules + ",shop-realm",
        // Third-party modules (Hazelcast) ask to acknowledge their licence; this run is not interactive.
        "--approve-all-licenses")
        .directory(base.toFile()).redirectErrorStream(true).redirectOutput(base.resolve("add-modules.log").toFile()).start();
    if (!add.waitFor(120, TimeUnit.SECONDS) || add.exitValue() != 0) {
      throw new IllegalStateException("start.jar --add-modules failed; see " + base.resolve("add-modules.log"));
    }
    if (sessionModules.contains("session-store-baton")) {
      Files.copy(samples.resolve("start.d/session-store-baton.ini"), base.resolve("start.d/session-store-baton.ini"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    StringBuilder nodeIni = new StringBuilder()
        .append("jetty.sessionIdManager.workerName=").append(name).append('\n')
        .append("jetty.http.host=127.0.0.1\n")
        .append("jetty.http.port=").append(httpPort).append('\n')
        .append("baton.mcastPort=").append(mcastPort).append('\n');
    ini.forEach((k, v) -> nodeIni.append(k).append('=').append(v).append('\n'));
    // Jetty reads start.d/*.ini in name order and the last value of a property wins: this file must
    // come after session-store-baton.ini so a test's ini override (say baton.writeMode) takes effect.
    Files.writeString(base.resolve("start.d/z-this-node.ini"), nodeIni.toString());
    Files.copy(secret, base.resolve("etc/baton.secret"), StandardCopyOption.REPLACE_EXISTING);
    if (tls != null) {
      Files.copy(tls.serverKeyStore(), base.resolve("etc/baton-tls.p12"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(tls.clientTrustStore(), base.resolve("etc/baton-tls-clients.p12"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(samples.resolve("start.d/tls.ini"), base.resolve("start.d/tls.ini"), StandardCopyOption.REPLACE_EXISTING);
    }
    ServerNode.copyTree(Path.of(ServerNode.required("baton.shop")), base.resolve("webapps/shop"));
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-Djava.net.preferIPv4Stack=true",
        "-Dbaton.node=" + name));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base));
    Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).start();
    return new ServerNode(name, httpPort, base, p,
        line -> line.contains("Started oejs.Server@") || line.contains("Started Server@"));
  }
}
