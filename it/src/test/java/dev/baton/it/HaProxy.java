package dev.baton.it;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real HAProxy (Debian's package, installed here with apt-get when missing and this is root) in
 * front of nodes on loopback, balancing every request round robin with no stickiness, as a
 * Kubernetes Service or a balancer without session affinity does. Nodes that stop answering its
 * health check leave the rotation; a request whose connection fails is sent to another node.
 */
public final class HaProxy implements AutoCloseable {

  private final Process process;
  private final int port;

  private HaProxy(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The path of haproxy, installing it from Debian's packages if it is missing; null if it cannot be had. */
  public static String binary() throws IOException, InterruptedException {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
      if (Files.isExecutable(Path.of(dir, "haproxy"))) {
        return dir + "/haproxy";
      }
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return null;
    }
    Process install = new ProcessBuilder("sh", "-c",
        "apt-get install -y -qq haproxy >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq haproxy)")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!install.waitFor(5, TimeUnit.MINUTES)) {
      install.destroyForcibly();
      return null;
    }
    return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : null;
  }

  /** Starts HAProxy on {@code port}, balancing round robin over the nodes at {@code nodePorts}. */
  public static HaProxy roundRobin(String binary, Path dir, int port, List<Integer> nodePorts, String healthPath)
      throws IOException {
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 512
          log stdout format raw local0
        defaults
          mode http
          log global
          option httplog
          timeout connect 2s
          timeout client 30s
          timeout server 30s
          option http-server-close
          retries 3
          option redispatch
        frontend shop
        """).append("  bind 127.0.0.1:").append(port).append("\n").append("""
          default_backend nodes
        backend nodes
          balance roundrobin
          option httpchk
        """).append("  http-check send meth GET uri ").append(healthPath).append("\n")
        .append("  default-server inter 300ms fall 2 rise 1\n");
    for (int i = 0; i < nodePorts.size(); i++) {
      cfg.append("  server node").append(i + 1).append(" 127.0.0.1:").append(nodePorts.get(i)).append(" check\n");
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg);
    Process p = new ProcessBuilder(binary, "-db", "-f", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    HaProxy proxy = new HaProxy(p, port);
    Awaitility.await("HAProxy listening on " + port).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(proxy::listening);
    return proxy;
  }

  public int port() {
    return port;
  }

  private boolean listening() {
    if (!process.isAlive()) {
      throw new IllegalStateException("HAProxy exited with " + process.exitValue() + " (see haproxy.log)");
    }
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
