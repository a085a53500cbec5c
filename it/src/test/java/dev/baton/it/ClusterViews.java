package dev.baton.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * Waits for a node's Baton cluster view to reach a size, read from the shop's stats page. Nodes
 * that could not see each other (no multicast route, or two that each founded a cluster at the
 * same moment until MERGE3 joins them) would otherwise pass unnoticed until a failover test
 * loses what it wrote.
 */
public final class ClusterViews {

  private ClusterViews() {}

  /** Waits up to a minute (past MERGE3's longest interval) until the node on {@code httpPort} sees {@code members}. */
  public static void awaitMembers(int httpPort, int members) {
    await("a view of " + members + " on the node at port " + httpPort)
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> Integer.toString(members).equals(ShopClient.stats(httpPort).get("batonmembers")));
  }
}
