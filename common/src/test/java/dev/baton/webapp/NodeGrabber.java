package dev.baton.webapp;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.cluster.ClusterSettings;
import java.util.function.Function;

/**
 * What a web application's code would do to reach the cluster node: name its cluster and ask. It is
 * named like one of Baton's own classes on purpose: a name proves nothing, the class loader does.
 * {@code WebAppAccessTest} loads this class in a class loader of its own, below Baton's, as a
 * container loads a web application.
 */
public final class NodeGrabber implements Function<ClusterSettings, ClusterNode> {

  @Override
  public ClusterNode apply(ClusterSettings settings) {
    try {
      return ClusterNodes.acquire(settings);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
