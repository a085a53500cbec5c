package dev.baton.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The JVM's cluster nodes, one per cluster name, shared by every web application that uses it: the
 * first {@link #acquire} starts the node, the last {@link #release} stops it.
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
   */
  public static synchronized ClusterNode acquire(ClusterSettings settings) throws Exception {
    Shared s = NODES.get(settings.clusterName());
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
