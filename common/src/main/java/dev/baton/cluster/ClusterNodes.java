package dev.baton.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The JVM's cluster nodes, one per cluster name, shared by every web application that uses it: the
 * first {@link #acquire} starts the node, the last {@link #release} stops it. Only the container and
 * Baton's adapters may acquire one; a web application's own classes are refused unless the
 * operator set {@code webAppAccess=on}.
 */
public final class ClusterNodes {

  private static final Map<String, Shared> NODES = new HashMap<>();

  private record Shared(ClusterNode node, int users) {}

  private ClusterNodes() {}

  /**
   * The node of {@code settings.clusterName()}, started if needed. Later callers get the running
   * node; their settings must name the same node.
   *
   * @throws ClusterConfigException if a node of that cluster already runs under another name
   * @throws SecurityException if a web application's class asks, and the operator did not allow it
   */
  public static synchronized ClusterNode acquire(ClusterSettings settings) throws Exception {
    Shared s = NODES.get(settings.clusterName());
    // Whether web applications may have the node is the running node's operator's to say, not theirs.
    CallerCheck.requireContainer("the node of cluster '" + settings.clusterName() + "'",
        s != null && s.node().settings().webAppAccess());
    if (s == null) {
      s = new Shared(ClusterNode.start(settings), 0);
    } else if (!s.node().settings().nodeName().equals(settings.nodeName())) {
      throw new ClusterConfigException("nodeName", "cluster '" + settings.clusterName() + "' already runs in this JVM as node '"
          + s.node().settings().nodeName() + "', not '" + settings.nodeName() + "'", "give every user of the cluster the same nodeName");
    }
    NODES.put(settings.clusterName(), new Shared(s.node(), s.users() + 1));
    return s.node();
  }

  /** Gives back a node from {@link #acquire}; the last user's release stops it. */
  public static synchronized void release(ClusterNode node) {
    String name = node.settings().clusterName();
    Shared s = NODES.get(name);
    if (s == null || s.node() != node) {
      return;
    }
    if (s.users() <= 1) {
      NODES.remove(name);
      node.close();
    } else {
      NODES.put(name, new Shared(node, s.users() - 1));
    }
  }
}
