package dev.baton.cluster;

import dev.baton.state.StateEntry;
import dev.baton.state.StateKind;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One node of a Baton cluster: this node's share of the cluster's state cache, kept in step with
 * the other nodes. One per JVM and cluster, shared by every web application that uses it
 * ({@link ClusterNodes}). Keys and values are bytes; the engine knows state kinds
 * ({@link StateKind}, the first byte of a key), not what the values mean.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Writes</b> ({@link #write}) are applied here, then sent to the other owners of the key.
 *       In {@link WriteMode#SYNC} {@link Write#awaitReplicated()} returns when every other owner has
 *       applied the write (positive acknowledgement), or at {@code syncTimeout}, when it throws
 *       {@link ReplicationException} ({@code syncTimeoutAction=fail}) or logs and counts the
 *       timeout ({@code async}, the default). An owner that leaves the view while the write is in
 *       flight is not waited for. Writes made in some order by one thread (or under one lock)
 *       reach every node in that order.</li>
 *   <li><b>Copies</b> are applied only if newer than what a node holds
 *       ({@link dev.baton.state.Versions}); deletes travel as tombstones. Concurrent writes to one
 *       key resolve identically on every node.</li>
 *   <li><b>Reads</b>: {@link #get} looks at this node only; {@link #getOrPull} asks the members that
 *       should hold a missing entry, keeps the newest answer and caches it.</li>
 *   <li><b>Topology</b>: a node holds the entries it owns, and, bounded by {@code nearCacheBytes},
 *       those it serves without owning them. A view change pushes each entry whose owners changed
 *       to its new owners (each entry from one member only), so a joiner gets its portion and a lost
 *       copy is re-created. After a merge, every holder pushes to the owners so all converge on the
 *       newest writes.</li>
 *   <li><b>Ready</b>: {@link #start} returns once every member that was there when this node joined
 *       has finished pushing to it, or after {@code stateTransferTimeout}.</li>
 *   <li><b>Bad messages</b>: malformed, foreign or tampered messages are dropped, counted in
 *       {@link NodeMetrics#getRejectedMessages()} and logged at most once per 10 s.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public interface ClusterNode extends AutoCloseable {

  /**
   * Starts a node, joins its cluster and waits (up to {@code stateTransferTimeout}) until it holds
   * its portion.
   *
   * @throws ClusterConfigException for a bad setting, or a cluster that refused this node
   * @throws Exception if the channel cannot be created or connected
   */
  static ClusterNode start(ClusterSettings settings) throws Exception {
    return Engine.start(settings, Engine.JGROUPS);
  }

  ClusterSettings settings();

  NodeMetrics metrics();

  /** This node's numeric id: the origin stamped on its writes ({@link StateEntry#origin()}). */
  int nodeId();

  /** Names of the current members, in view order. */
  List<String> memberNames();

  /**
   * Whether this node is the coordinator of the current view (its first member): the one node that
   * does cluster-wide chores such as rotating the TLS ticket keys. During a partition each side has
   * its own coordinator.
   */
  boolean isCoordinator();

  /** Waits until this node holds its portion; false on timeout. */
  boolean awaitReady(Duration timeout) throws InterruptedException;

  /** The live entry held on this node, or null. */
  StateEntry get(byte[] key);

  /**
   * What this node holds for {@code key} whatever its state (live, expired or a tombstone), without
   * asking other nodes; null if nothing.
   */
  StateEntry getAny(byte[] key);

  /**
   * The live entry for {@code key}: from this node, or else pulled from the members that should hold
   * it (owners, repositories, else any member), the newest answer within {@code pullTimeout}, then
   * cached here. Null if no member has a live entry. An entry this node knows to be deleted or
   * expired is not pulled.
   */
  StateEntry getOrPull(byte[] key);

  /**
   * Calls {@code action} for every live entry this node holds, weakly consistent, without locking:
   * what a container's scavenger walks to find sessions to expire.
   */
  void forEachLive(Consumer<StateEntry> action);

  /**
   * Applies {@code request} here and starts replicating it; returns as soon as the write is handed
   * to the node's sender. The caller waits for the acknowledgements with
   * {@link Write#awaitReplicated()} when it likes, for example after releasing a lock, so that
   * concurrent writers of one key each wait only for their own.
   */
  Write write(WriteRequest request);

  /** Writes {@code value} in the configured write mode and waits as that mode says. */
  default StateEntry put(byte[] key, byte[] value, long maxIdleMillis) {
    return write(WriteRequest.put(key, value, maxIdleMillis)).awaitReplicated();
  }

  /** Writes {@code value} in {@code mode} and waits as that mode says. */
  default StateEntry put(byte[] key, byte[] value, long maxIdleMillis, WriteMode mode) {
    return write(WriteRequest.put(key, value, maxIdleMillis).mode(mode)).awaitReplicated();
  }

  /** Deletes {@code key} (a tombstone) in the configured write mode. */
  default StateEntry remove(byte[] key) {
    return write(WriteRequest.remove(key)).awaitReplicated();
  }

  /** Deletes {@code key} (a tombstone) in {@code mode}. */
  default StateEntry remove(byte[] key, WriteMode mode) {
    return write(WriteRequest.remove(key).mode(mode)).awaitReplicated();
  }

  /**
   * Marks a live entry as accessed now. Other nodes learn the access time in the next batch (every
   * {@code touchInterval}), so an entry in use on one node does not expire on another.
   *
   * @return false if there is no live entry here
   */
  boolean touch(byte[] key);

  /**
   * Makes the writes of {@code kind} merge instead of the newest replacing the others (see
   * {@link Merger}), and lets them travel as deltas ({@link WriteRequest#delta}); the layer that owns
   * the kind registers it once, on every node. A delta of a kind this node has no merger for is
   * answered by fetching the whole value from its writer.
   */
  void registerMerger(StateKind kind, Merger merger);

  /**
   * A version newer than every one this node has written or seen: what a kind with a
   * {@link Merger} stamps the parts of a value with, so that they order with the writes of every
   * node as entries do ({@link dev.baton.state.Versions}, with {@link #nodeId()} as the origin).
   */
  long newVersion();

  /**
   * Told after a write made on another node (a copy, a delta or a pulled entry) was applied here,
   * with the entry applied (the key, value and version this node now holds). Runs on a cluster
   * thread: it must be quick and must not block.
   */
  void addChangeListener(Consumer<StateEntry> listener);

  /** Leaves the cluster and stops every thread of this node. */
  @Override
  void close();
}
