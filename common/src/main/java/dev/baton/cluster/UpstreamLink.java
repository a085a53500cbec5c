package dev.baton.cluster;

import dev.baton.state.StateEntry;

/**
 * A tiered repository's link to the repository cluster above it ({@code upstream.*} settings): a
 * node of its own in that cluster, to which every copy this repository applies is forwarded, and
 * which is asked for what this repository does not hold.
 */
final class UpstreamLink implements AutoCloseable {

  private final Engine node;

  private UpstreamLink(Engine node) {
    this.node = node;
  }

  /** Joins the upstream cluster; null if the settings name none. */
  static UpstreamLink start(ClusterSettings settings, Engine.TransportFactory transports) throws Exception {
    return settings.upstream() == null ? null : new UpstreamLink(Engine.start(settings.upstream(), transports));
  }

  /** Sends a copy this repository applied on to the cluster above (same version). */
  void forward(StateEntry copy) {
    node.forward(copy);
  }

  /** The entry as the cluster above holds it, pulled if needed; null if it has none. */
  StateEntry getOrPull(byte[] key) {
    return node.getOrPull(key);
  }

  @Override
  public void close() {
    node.close();
  }
}
