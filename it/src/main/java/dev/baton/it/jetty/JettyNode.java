package dev.baton.it.jetty;

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
 * One real Jetty: {@code java -jar start.jar} in its jetty-base, Jetty running in that JVM, so
 * {@link #kill()} is a real {@code kill -9}. Ready when Jetty logs that the Server started; its
 * console goes to {@code <base>/logs/console.log}.
 */
public final class JettyNode implements AutoCloseable {

  private final String name;
  private final int httpPort;
  private final Path base;
  private final Process process;
  private final CountDownLatch started = new CountDownLatch(1);

  JettyNode(String name, int httpPort, Path base, Process process) throws IOException {
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
          if (line.contains("Started oejs.Server@") || line.contains("Started Server@")) {
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

  public long pid() {
    return process.pid();
  }

  public void awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!started.await(200, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("Jetty " + name + " did not start (alive=" + process.isAlive()
            + "); see " + base.resolve("logs/console.log"));
      }
    }
  }

  /** SIGKILL. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

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
