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

  /**
   * Whether a copy made elsewhere replaces what a node holds for its key. Writes of one
   * <em>incarnation</em> of a key (the entry created at one time; a write keeps the creation time)
   * order by version, with one exception each way: a delete of an incarnation wins over every write
   * of that incarnation, whatever their versions, and no write of an incarnation comes back after
   * its delete. So a delete that raced a write ends deleted on every node, and a late or replayed
   * copy never resurrects what was deleted. A later incarnation (created after the delete) orders
   * by version. The tombstone an expiry leaves has no incarnation ({@link StateEntry#NO_INCARNATION}):
   * it is not a delete and orders by version only.
   *
   * @param copy the incoming write
   * @param held what the node holds for the key (live, expired or a tombstone), or null
   */
  public static boolean supersedes(StateEntry copy, StateEntry held) {
    if (held == null) {
      return true;
    }
    if (copy.isTombstone() != held.isTombstone()) {
      StateEntry delete = copy.isTombstone() ? copy : held;
      StateEntry write = copy.isTombstone() ? held : copy;
      if (delete.createdMillis() != StateEntry.NO_INCARNATION && write.createdMillis() <= delete.createdMillis()) {
        return copy == delete; // the delete of this incarnation wins, in either order of arrival
      }
    }
    return isNewer(copy, held);
  }

  /** True if {@code a} is strictly newer than {@code b}. */
  public static boolean isNewer(StateEntry a, StateEntry b) {
    return isNewer(a.version(), a.origin(), b.version(), b.origin());
  }
}
