package dev.baton.it.tomcat;

import dev.baton.it.ServerNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap per session of each Tomcat manager on the real distribution: live heap of both nodes (after
 * a full GC, {@code jcmd GC.run} then {@code GC.heap_info}) before and after N new sessions made on
 * node1, each holding one 1 KB attribute; node2 holds the copies (none with StandardManager). Prints
 * a Markdown table. {@code it/heap-per-session [sessions] [name filter]}; with the environment
 * variable {@code BATON_HEAP_HISTOGRAM} set it also prints node1's top classes.
 */
public final class TomcatHeapPerSession {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private TomcatHeapPerSession() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    String only = args.length > 1 ? args[1] : "";
    StringBuilder rows = new StringBuilder();
    TomcatComparison.forEachVariant(only, "heap", (v, n1, n2) -> {
      long before1 = liveHeapKb(n1);
      long before2 = liveHeapKb(n2);
      for (int i = 0; i < n; i++) {
        newSession(n1.httpPort());
      }
      // Async managers may still be applying copies: let node2's count settle (bounded).
      long last = -1;
      for (int i = 0; i < 10; i++) {
        long now = liveHeapKb(n2);
        if (Math.abs(now - last) < 64) {
          break;
        }
        last = now;
      }
      double per1 = (liveHeapKb(n1) - before1) * 1024.0 / n;
      double per2 = (liveHeapKb(n2) - before2) * 1024.0 / n;
      if (System.getenv("BATON_HEAP_HISTOGRAM") != null) { // what the heap of node1 holds, top classes
        jcmd(n1, "GC.class_histogram").lines().limit(20).forEach(System.err::println);
      }
      String row = String.format("| %s | %.0f B | %.0f B | %.0f B |", v.name(), per1, per2, per1 + per2);
      System.err.println(row);
      rows.append(row).append('\n');
    });
    System.out.println("| manager (" + n + " sessions, 1 KB attribute each) | heap per session, node1 (made there) | node2 (copy) | both |");
    System.out.println("|---|---:|---:|---:|");
    System.out.print(rows);
  }

  /**
   * One request without a cookie, on a connection closed at once: a client that kept its
   * connection open would have node1 hold connection buffers that are not the session's.
   */
  private static void newSession(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream().write(("GET /shop/public/blob?size=1024 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!answer.startsWith("HTTP/1.1 200")) {
        throw new IOException("the shop answered " + answer.lines().findFirst().orElse("nothing"));
      }
    }
  }

  /** Used heap after a full collection, in KiB. */
  private static long liveHeapKb(ServerNode node) throws IOException, InterruptedException {
    jcmd(node, "GC.run");
    Matcher m = USED.matcher(jcmd(node, "GC.heap_info"));
    if (!m.find()) {
      throw new IOException("no heap figure from jcmd for " + node.name());
    }
    return Long.parseLong(m.group(1));
  }

  private static String jcmd(ServerNode node, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(node.pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
