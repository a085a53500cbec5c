package dev.baton.cluster;

import dev.baton.state.StateEntry;

/**
 * A write applied on this node whose copies are on their way to the other owners
 * ({@link ClusterNode#write}).
 */
public interface Write {

  /** The entry written on this node. */
  StateEntry entry();

  /**
   * In sync mode, waits until every other owner applied the write, or the sync timeout; in async
   * mode returns at once. See {@link ClusterNode}'s contract.
   *
   * @return the entry written
   * @throws ReplicationException with {@code syncTimeoutAction=fail}, if an owner did not answer
   */
  StateEntry awaitReplicated();
}
