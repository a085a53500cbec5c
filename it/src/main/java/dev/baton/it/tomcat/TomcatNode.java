package dev.baton.it.tomcat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One real Tomcat: {@code catalina.sh run} on its own CATALINA_BASE. catalina.sh {@code exec}s the
 * JVM, so the process here is Tomcat's JVM itself and {@link #kill()} is a real {@code kill -9}.
 * Ready when Tomcat logs "Server startup in"; its console goes to {@code <base>/logs/console.log}.
 */
public final class TomcatNode implements AutoCloseable {

  private final String name;
  private final int httpPort;
  private final Path base;
  private final Process process;
  private final CountDownLatch started = new CountDownLatch(1);

  TomcatNode(String name, int httpPort, Path base, Process process) throws IOException {
    this.name = name;
    this.httpPort = httpPort;
    this.base = base;
    this.process = process;
    PrintWriter console = new PrintWriter(Files.newBufferedWriter(base.resolve("logs/console.log")), true);
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          console.println(line);
          if (line.contains("Server startup in")) {
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
   * Waits until Tomcat reports it started.
   *
   * @throws IllegalStateException if it exits or does not start in time, pointing at its log
   */
  public void awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!started.await(200, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("Tomcat " + name + " did not start (alive=" + process.isAlive()
            + "); see " + base.resolve("logs/console.log"));
      }
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is said to the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
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
}
