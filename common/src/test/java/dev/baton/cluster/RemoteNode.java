package dev.baton.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test side of a {@link NodeProcess}: a separate JVM on loopback. */
final class RemoteNode implements AutoCloseable {

  private final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final String name;

  private RemoteNode(String name, Process process) {
    this.name = name;
    this.process = process;
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException ignored) {
        // the process died; a pending command times out with a clear message
      }
    }, "remote-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a node JVM; does not wait for it to be ready. */
  static RemoteNode launch(Map<String, String> cluster, String name, Map<String, String> extra) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NodeProcess.class.getName());
    cluster.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add("nodeName=" + name);
    extra.forEach((k, v) -> cmd.add(k + "=" + v));
    File log = Path.of("target", "node-" + cluster.get("clusterName") + "-" + name + ".log").toFile();
    Process p = new ProcessBuilder(cmd).redirectError(log).start();
    return new RemoteNode(name, p);
  }

  /** Sends a command and waits for its one-line reply. */
  String call(String command, long timeoutSeconds) throws InterruptedException {
    in.println(command);
    return next(timeoutSeconds, command);
  }

  String next(long timeoutSeconds, String what) throws InterruptedException {
    String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError(name + " gave no reply to '" + what + "' within " + timeoutSeconds
          + " s (alive=" + process.isAlive() + ", see target/node-*-" + name + ".log)");
    }
    return line;
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      in.println("quit");
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
