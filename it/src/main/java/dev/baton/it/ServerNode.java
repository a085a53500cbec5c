package dev.baton.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One real servlet container in a process of its own: Tomcat's {@code catalina.sh run} (which
 * {@code exec}s the JVM) or Jetty's {@code start.jar}, so the process is the container's JVM and
 * {@link #kill()} is a real {@code kill -9}. Ready when the container logs that it started; its
 * console goes to {@code <base>/logs/console.log}.
 */
public final class ServerNode implements AutoCloseable {

  private final String name;
  private final int httpPort;
  private final Path base;
  private final Process process;
  private final CountDownLatch started = new CountDownLatch(1);

  /**
   * @param startedLine recognises the container's "started" log line
   */
  public ServerNode(String name, int httpPort, Path base, Process process, Predicate<String> startedLine)
      throws IOException {
    this.name = name;
    this.httpPort = httpPort;
    this.base = base;
    this.process = process;
    Files.createDirectories(base.resolve("logs"));
    PrintWriter console = new PrintWriter(Files.newBufferedWriter(base.resolve("logs/console.log")), true);
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          console.println(line);
          if (startedLine.test(line)) {
            started.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      } finally {
        console.close();
      }
    }, "console-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  public String name() {
    return name;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path base() {
    return base;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the container reports it started.
   *
   * @throws IllegalStateException if it exits or does not start in time, pointing at its log
   */
  public void awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!started.await(200, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not start (alive=" + process.isAlive()
            + "); see " + base.resolve("logs/console.log"));
      }
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is said to the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Freezes the node (SIGSTOP): alive to the OS, silent to the cluster, until {@link #resume()}. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a paused node run on (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (p.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Stops the node (SIGTERM, then SIGKILL if it lingers). */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /**
   * A system property the build passes to the tests and tools (see it/pom.xml).
   *
   * @throws IllegalStateException naming the property when it is not set
   */
  public static String required(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      throw new IllegalStateException("system property " + property + " is not set (run through Maven, see it/pom.xml)");
    }
    return v;
  }

  /**
   * Makes a cluster secret file with a Baton jar's own command ({@code java -jar <jar> keygen
   * <file>}), as the install guides tell a user to. The file is copied to the other nodes of a test
   * cluster with its owner-only permissions ({@link #copyTree} and {@link Files#copy} keep them).
   */
  public static Path makeSecret(Path jar, Path secret) throws IOException, InterruptedException {
    Files.createDirectories(secret.getParent());
    Files.deleteIfExists(secret);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "keygen", secret.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(jar + " could not make a secret");
    }
    return secret;
  }

  /** Copies a directory tree (a web application, a module) into another directory. */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(src -> {
        try {
          Path dst = to.resolve(from.relativize(src).toString());
          if (Files.isDirectory(src)) {
            Files.createDirectories(dst);
          } else {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
