package dev.baton.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A cluster node in a process of its own, driven line by line over stdin so a test can kill it with
 * SIGKILL. Arguments are {@code setting=value}. Replies on stdout, one line per command:
 * <pre>
 * members                        -> MEMBERS n1,n2,n3
 * write PREFIX FROM COUNT BYTES  -> OK COUNT   (every write returned: acknowledged in sync mode)
 * count PREFIX COUNT             -> COUNT n    (keys readable here, pulling what is missing)
 * metrics                        -> METRICS ...
 * </pre>
 */
public final class NodeProcess {

  private NodeProcess() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> p = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      p.put(a.substring(0, eq), a.substring(eq + 1));
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (ClusterNode node = ClusterNode.start(ClusterSettings.from(p))) {
      out.println("READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] w = line.trim().split(" ");
        switch (w[0]) {
          case "members" -> out.println("MEMBERS " + String.join(",", node.memberNames()));
          case "write" -> {
            int from = Integer.parseInt(w[2]);
            int count = Integer.parseInt(w[3]);
            byte[] value = new byte[Integer.parseInt(w[4])];
            for (int i = from; i < from + count; i++) {
              value[0] = (byte) i;
              node.put(key(w[1], i), value.clone(), 0);
            }
            out.println("OK " + count);
          }
          case "count" -> {
            int n = 0;
            for (int i = 0; i < Integer.parseInt(w[2]); i++) {
              n += node.getOrPull(key(w[1], i)) != null ? 1 : 0;
            }
            out.println("COUNT " + n);
          }
          case "metrics" -> out.println("METRICS " + node.metrics());
          case "quit" -> {
            return;
          }
          default -> out.println("ERROR unknown command " + w[0]);
        }
      }
    }
  }

  static byte[] key(String prefix, int i) {
    return (prefix + i).getBytes(StandardCharsets.UTF_8);
  }
}
