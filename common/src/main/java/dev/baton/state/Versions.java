package dev.baton.state;

/**
 * Total order of writes across the cluster: first by the hybrid-logical-clock version (see
 * {@link HybridClock}), then by the writer's node id. Every node compares the same way, so two
 * concurrent writes to one key resolve identically everywhere.
 */
public final class Versions {

  private Versions() {}

  /**
   * Compares two writes.
   *
   * @return a negative number, zero or a positive number as write {@code a} is older than, the same
   *     as, or newer than write {@code b}
   */
  public static int compare(long versionA, int originA, long versionB, int originB) {
    int c = Long.compare(versionA, versionB);
    return c != 0 ? c : Integer.compare(originA, originB);
  }

  /** True if write {@code a} is strictly newer than write {@code b}. */
  public static boolean isNewer(long versionA, int originA, long versionB, int originB) {
    return compare(versionA, originA, versionB, originB) > 0;
  }

  /** True if {@code a} is strictly newer than {@code b}. */
  public static boolean isNewer(StateEntry a, StateEntry b) {
    return isNewer(a.version(), a.origin(), b.version(), b.origin());
  }
}
