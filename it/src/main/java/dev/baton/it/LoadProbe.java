package dev.baton.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The load and failover measurements the comparison tools share (loopback only, bounded). */
public final class LoadProbe {

  private LoadProbe() {}

  /**
   * One row of a comparison: a session on {@code n1}, {@code wrk} against it ({@code seconds} of
   * warm-up, so that every manager is measured with its code compiled, then {@code seconds}
   * measured), 3 s of the same load on {@code n2} (a node behind a balancer serves too), then
   * {@link #failover} of {@code count} sessions to {@code n2}.
   */
  public static String row(String name, ServerNode n1, ServerNode n2, int seconds, int count) throws Exception {
    ShopClient one = new ShopClient();
    one.get(n1.httpPort(), "/shop/public/blob?size=1024");
    String url = "http://127.0.0.1:" + n1.httpPort() + "/shop/public/blob?size=1024";
    wrk(one.sessionId(), url, seconds);
    ShopClient.Answer before = ShopClient.stats(n1.httpPort());
    String[] load = wrk(one.sessionId(), url, seconds);
    ShopClient.Answer after = ShopClient.stats(n1.httpPort());
    if (!after.get("batonwrites").isEmpty()) {
      // How well node1's writes were batched while measured (a diagnostic line, not in the table).
      long writes = Long.parseLong(after.get("batonwrites")) - Long.parseLong(before.get("batonwrites"));
      long messages = Long.parseLong(after.get("batonmessages")) - Long.parseLong(before.get("batonmessages"));
      System.err.printf(Locale.ROOT, "%s: node1 sent %,d writes in %,d messages (%.1f per message) while measured%n",
          name, writes, messages, writes / (double) Math.max(1, messages));
    }
    // Behind a balancer node2 serves too: its request path is compiled before node1 dies.
    ShopClient two = new ShopClient();
    two.get(n2.httpPort(), "/shop/public/blob?size=1024");
    wrk(two.sessionId(), "http://127.0.0.1:" + n2.httpPort() + "/shop/public/blob?size=1024", 3);
    return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", name, load[0], load[1], load[2], failover(n1, n2, count));
  }

  /** Runs {@code wrk -t2 -c32} against one session and returns req/s, p50 and p99. */
  public static String[] wrk(String session, String url, int seconds) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t2", "-c32", "-d" + seconds + "s", "--latency",
        "-H", "Cookie: JSESSIONID=" + session, url).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        out.append(l).append('\n');
      }
    }
    p.waitFor(seconds + 30L, TimeUnit.SECONDS);
    String text = out.toString();
    return new String[] {find(text, "Requests/sec:\\s+([0-9.]+)"), find(text, "\\s50%\\s+(\\S+)"), find(text, "\\s99%\\s+(\\S+)")};
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : "?";
  }

  /**
   * Makes {@code count} new sessions on {@code n1} (one 1 KB write each), kills it with SIGKILL and
   * reads every session on {@code n2}, {@link InParallel#CLIENTS} at a time over kept-alive
   * connections: how many are missing at the first look, when that look ended, and how long until
   * all are readable (bounded at 10 s).
   */
  public static String failover(ServerNode n1, ServerNode n2, int count) throws Exception {
    List<ShopClient> sessions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ShopClient c = new ShopClient();
      c.get(n1.httpPort(), "/shop/public/blob?size=1024");
      sessions.add(c);
    }
    long killed = System.nanoTime();
    n1.kill();
    List<ShopClient> missing = new ArrayList<>(sessions);
    int firstPass = -1;
    double firstPassEnd = 0;
    long deadline = killed + TimeUnit.SECONDS.toNanos(10);
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      List<Boolean> found = InParallel.map(missing, (i, c) -> "true".equals(c.get(n2.httpPort(), "/shop/public/has").get("has")));
      List<ShopClient> still = new ArrayList<>();
      for (int i = 0; i < missing.size(); i++) {
        if (!found.get(i)) {
          still.add(missing.get(i));
        }
      }
      if (firstPass < 0) {
        firstPass = still.size();
        firstPassEnd = (System.nanoTime() - killed) / 1e9;
      }
      missing = still;
    }
    // The first look starts at once after the kill.
    String first = String.format(Locale.ROOT, "%d missing at the first look (+0 to +%.2f s)", firstPass, firstPassEnd);
    return missing.isEmpty() ? first + (firstPass == 0 ? "" : String.format(Locale.ROOT,
        "; all readable after %.2f s", (System.nanoTime() - killed) / 1e9))
        : first + String.format(Locale.ROOT, "; %d still missing after 10 s", missing.size());
  }
}
