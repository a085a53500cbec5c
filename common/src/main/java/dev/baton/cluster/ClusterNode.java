package dev.baton.cluster;

import dev.baton.cache.HashRange;
import dev.baton.cache.RemovalCause;
import dev.baton.cache.StateTable;
import dev.baton.codec.ClusterMessages;
import dev.baton.codec.CodecLimits;
import dev.baton.codec.MalformedMessageException;
import dev.baton.hash.BuzHash;
import dev.baton.state.EntryCopy;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.management.ObjectName;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestHandler;
import org.jgroups.blocks.RequestOptions;
import org.jgroups.blocks.ResponseMode;
import org.jgroups.blocks.RspFilter;
import org.jgroups.protocols.Fragmentation;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.Rsp;
import org.jgroups.util.RspList;

/**
 * One node of a Baton cluster: a JGroups channel, this node's state tables and the replication
 * logic. One per JVM and cluster, shared by every web application (see {@link ClusterNodes}).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Writes</b> ({@link #put}, {@link #remove}) are applied here, then sent in <em>one</em>
 *       multicast to the cluster. In {@link WriteMode#SYNC} the call returns when every other owner
 *       of the key has applied the write (positive acknowledgement), or at {@code syncTimeout}, when
 *       it throws {@link ReplicationException} ({@code syncTimeoutAction=fail}) or logs and counts
 *       the timeout ({@code async}, the default). An owner that leaves the view while the write is
 *       in flight is not waited for.</li>
 *   <li><b>Copies</b> are applied only if newer than what a node holds ({@link Versions}); deletes
 *       travel as tombstones. Concurrent writes to one key resolve identically on every node.</li>
 *   <li><b>Reads</b>: {@link #get} looks at this node only; {@link #getOrPull} asks the members that
 *       should hold a missing entry, keeps the newest answer and caches it.</li>
 *   <li><b>Topology</b>: owned entries sit in an unbounded table, entries this node holds without
 *       owning them (what it serves) in a near-cache bounded by {@code nearCacheBytes}. A view change
 *       pushes each entry whose owners changed to its new owners (each entry by one member only), so
 *       a joiner gets its portion and a lost copy is re-created. After a merge, every holder pushes
 *       to the owners so all converge on the newest writes.</li>
 *   <li><b>Ready</b>: {@link #start} returns once every member that was there when this node joined
 *       has finished pushing to it, or after {@code stateTransferTimeout}.</li>
 *   <li><b>Bad messages</b>: malformed, foreign or tampered messages are dropped, counted in
 *       {@link NodeMetrics#getRejectedMessages()} and logged at most once per
 *       {@link #WARN_INTERVAL_MILLIS}.</li>
 * </ul>
 */
public final class ClusterNode implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
  static final long WARN_INTERVAL_MILLIS = 10_000;
  private static final int PUSH_BATCH_BYTES = 256 * 1024;

  private final ClusterSettings settings;
  private final BuzHash hash;
  /** The clock of this node's versions: both tables stamp writes with it, and copies advance it. */
  private final HybridClock clock;
  private final StateTable owned;
  private final StateTable near;
  private final Frames frames;
  private final Sealer sealer;
  private final CodecLimits limits = CodecLimits.DEFAULT;
  private final NodeMetrics metrics;
  private final JChannel channel;
  private final MessageDispatcher dispatcher;
  private final WriteSender sender;
  private final ExecutorService rebalancer;
  private final ScheduledExecutorService scheduler;
  private final ConcurrentHashMap<ByteBuffer, Long> pendingTouches = new ConcurrentHashMap<>();
  private final List<Consumer<StateEntry>> expiryListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<StateEntry>> changeListeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Set<Address> awaitingDone = ConcurrentHashMap.newKeySet();
  private final Set<Address> doneReceived = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastWarning = new AtomicLong();
  private volatile Membership membership;
  private volatile boolean readinessKnown;
  private volatile boolean closed;
  private ObjectName jmxName;
  private ClusterNode upstream;

  private ClusterNode(ClusterSettings settings) throws Exception {
    this.settings = settings;
    KeyMaterial keys = settings.encrypted() ? new KeyMaterial(settings.secret()) : null;
    this.hash = BuzHash.withSeed(keys != null ? keys.hashSeed()
        : ("baton-plaintext/" + settings.clusterName()).getBytes(StandardCharsets.UTF_8));
    this.clock = new HybridClock();
    int nodeId = (int) hash.hash(settings.nodeName().getBytes(StandardCharsets.UTF_8));
    this.owned = StateTable.builder(hash).versions(clock).nodeId(nodeId)
        .tombstoneTtl(settings.tombstoneTtl())
        .removalListener((e, cause) -> {
          if (cause == RemovalCause.EXPIRED) {
            expiryListeners.forEach(l -> l.accept(e));
          }
        }).build();
    this.near = StateTable.builder(hash).versions(clock).nodeId(nodeId)
        .tombstoneTtl(settings.tombstoneTtl()).maxBytes(settings.nearCacheBytes()).build();
    this.sealer = keys != null ? new Sealer(keys.sealMaster()) : null;
    this.frames = new Frames(sealer);
    if (keys == null) {
      LOG.log(Level.WARNING, "Baton cluster '" + settings.clusterName() + "' runs with encryption=none: "
          + "session data, logins and TLS keys cross the network in plaintext and any host that can reach "
          + "the cluster's ports can join it");
    }
    this.channel = ChannelFactory.create(settings, keys != null ? keys.authKey() : null);
    byte[] role = settings.role() == ClusterSettings.Role.REPOSITORY ? new byte[] {'R'} : new byte[] {'E'};
    String name = settings.nodeName();
    channel.name(name);
    channel.addAddressGenerator(() -> ExtendedUUID.randomUUID(name)
        .put(Membership.NAME, name.getBytes(StandardCharsets.UTF_8))
        .put(Membership.ROLE, role));
    this.metrics = new NodeMetrics(this::retransmissionRequests, owned::size, owned::bytes, near::size,
        near::bytes, () -> membership == null ? 0 : membership.members().size());
    this.rebalancer = Executors.newSingleThreadExecutor(daemon("baton-rebalance-" + name));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("baton-sweep-" + name));
    // Responses are handled on the thread that received them. Without virtual threads JGroups
    // hands each batch of responses to the common ForkJoinPool: one more thread to wake per
    // acknowledgement, for callbacks that only complete futures and unpark their waiters.
    this.dispatcher = new MessageDispatcher(channel, new Handler()).asyncRspHandling(false);
    dispatcher.setReceiver(new Receiver() {
      @Override
      public void viewAccepted(View view) {
        onView(view);
      }
    });
    // A stack without fragmentation gets batches of JGroups' own default fragment size.
    Fragmentation frag = channel.getProtocolStack().findProtocol(Fragmentation.class);
    this.sender = new WriteSender(name, frames, WriteSender.maxBatchBytes(frag != null ? frag.getFragSize() : 60_000),
        this::castWrite, metrics, ex -> warn("could not send a write: " + ex));
  }

  /**
   * Starts a node, joins its cluster and waits (up to {@code stateTransferTimeout}) until it holds
   * its portion.
   *
   * @throws ClusterConfigException for a bad setting
   * @throws Exception if the channel cannot be created or connected
   */
  public static ClusterNode start(ClusterSettings settings) throws Exception {
    ClusterNode node = new ClusterNode(settings);
    try {
      node.connect();
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void connect() throws Exception {
    FrameMessage.register();
    try {
      channel.connect(settings.clusterName());
    } catch (SecurityException e) {
      throw new ClusterConfigException(settings.encrypted() ? "secret" : "encryption",
          "cluster '" + settings.clusterName() + "' refused this node (" + e.getMessage() + ")",
          "give every node the same cluster secret, and encryption=none on all nodes or none");
    }
    long sweep = settings.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    long touch = settings.touchInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::flushTouches, touch, touch, TimeUnit.MILLISECONDS);
    registerJmx();
    if (settings.upstream() != null) {
      upstream = ClusterNode.start(settings.upstream());
    }
    if (!awaitReady(settings.stateTransferTimeout())) {
      LOG.log(Level.WARNING, "node " + settings.nodeName() + " did not receive its whole portion within "
          + settings.stateTransferTimeout().toMillis() + " ms (stateTransferTimeout); serving anyway, "
          + "missing entries will be pulled on demand");
    }
    LOG.log(Level.INFO, "Baton node " + settings.nodeName() + " joined cluster '" + settings.clusterName()
        + "' (" + settings.topology() + ", " + settings.writeMode() + ", members " + memberNames() + ")");
  }

  /** Waits until this node holds its portion; false on timeout. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public ClusterSettings settings() {
    return settings;
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  /** This node's numeric id: the origin stamped on its writes ({@link StateEntry#origin()}). */
  public int nodeId() {
    return owned.nodeId();
  }

  /** The hash that places keys; the same on every node of the cluster. */
  public BuzHash hash() {
    return hash;
  }

  /** Names of the current members, in view order. */
  public List<String> memberNames() {
    Membership m = membership;
    List<String> out = new ArrayList<>();
    if (m != null) {
      for (Address a : m.members()) {
        out.add(Membership.nameOf(a));
      }
    }
    return out;
  }

  /**
   * Whether this node is the coordinator of the current view (its first member): the one node that
   * does cluster-wide chores such as rotating the TLS ticket keys. During a partition each side has
   * its own coordinator.
   */
  public boolean isCoordinator() {
    Membership m = membership;
    return m != null && !m.members().isEmpty() && m.members().get(0).equals(channel.getAddress());
  }

  /** The JGroups channel, for fault-injection tests. */
  JChannel channel() {
    return channel;
  }

  /** The table of owned entries, for tests that need a node to lose a copy. */
  StateTable ownedTable() {
    return owned;
  }

  /**
   * Told after a write made on another node (a copy, a delta or a pulled entry) was applied here,
   * with the entry applied (the key, value and version this node now holds). Runs on a cluster
   * thread: it must be quick and must not block.
   */
  public void addChangeListener(Consumer<StateEntry> listener) {
    changeListeners.add(listener);
  }

  /** Tells the change listeners of a copy just applied (the table holds the same key, value and version). */
  private void changed(StateEntry applied) {
    changeListeners.forEach(l -> l.accept(applied));
  }

  /** Told when an entry this node owns expires (once per owner). */
  public void addExpiryListener(Consumer<StateEntry> listener) {
    expiryListeners.add(listener);
  }

  // ---------------------------------------------------------------- reads

  /** The live entry held on this node, or null. */
  public StateEntry get(byte[] key) {
    StateEntry e = owned.getEntry(key);
    return e != null ? e : near.getEntry(key);
  }

  /**
   * What this node holds for {@code key} whatever its state (live, expired or a tombstone), without
   * asking other nodes; null if nothing.
   */
  public StateEntry getAny(byte[] key) {
    StateEntry e = owned.getAnyEntry(key);
    return e != null ? e : near.getAnyEntry(key);
  }

  /**
   * Calls {@code action} for every live entry this node holds (owned or near), weakly consistent,
   * without locking: what a container's scavenger walks to find sessions to expire.
   */
  public void forEachLive(Consumer<StateEntry> action) {
    long now = System.currentTimeMillis();
    for (StateTable t : List.of(owned, near)) {
      t.forEach(HashRange.ALL, e -> {
        if (e.isLiveAt(now)) {
          action.accept(e);
        }
      });
    }
  }

  /**
   * The live entry for {@code key}: from this node, or else pulled from the members that should hold
   * it (owners, repositories, else any member), the newest answer within {@code pullTimeout}, then
   * cached here. Null if no member has a live entry. An entry this node knows to be deleted or
   * expired is not pulled.
   */
  public StateEntry getOrPull(byte[] key) {
    StateEntry e = get(key);
    if (e != null) {
      metrics.hits.increment();
      return e;
    }
    metrics.misses.increment();
    if (owned.getAnyEntry(key) != null || near.getAnyEntry(key) != null) {
      return null;
    }
    StateEntry pulled = pull(key);
    if (pulled == null && upstream != null) {
      pulled = upstream.getOrPull(key);
    }
    if (pulled == null) {
      metrics.pullMisses.increment();
      return null;
    }
    metrics.pullHits.increment();
    tableFor(membership, owned.hashOf(key)).putIfNewer(pulled);
    return get(key);
  }

  private StateEntry pull(byte[] key) {
    Membership m = membership;
    if (m == null || m.members().size() < 2) {
      return null;
    }
    List<Address> candidates = new ArrayList<>(m.owners(owned.hashOf(key)));
    candidates.remove(self());
    if (candidates.isEmpty()) {
      candidates.addAll(m.members());
      candidates.remove(self());
    }
    StateEntry newest = pullFrom(key, candidates);
    if (newest != null && newest.isTombstone()) {
      tableFor(m, owned.hashOf(key)).putIfNewer(newest);
      return null;
    }
    return newest;
  }

  /** The newest copy (possibly a tombstone) the candidates answer within the pull timeout, or null. */
  private StateEntry pullFrom(byte[] key, List<Address> candidates) {
    metrics.pulls.increment();
    byte[] frame = frames.frame(ClusterMessages.TYPE_PULL, ClusterMessages.pull(key));
    RspList<byte[]> rsps;
    try {
      rsps = dispatcher.castMessage(candidates, new FrameMessage(frame),
          new RequestOptions(ResponseMode.GET_ALL, settings.pullTimeout().toMillis()).anycasting(true)
              .flags(Message.Flag.OOB));
    } catch (Exception ex) {
      LOG.log(Level.WARNING, "pull failed: " + ex);
      return null;
    }
    StateEntry newest = null;
    for (Map.Entry<Address, Rsp<byte[]>> r : rsps.entrySet()) {
      byte[] reply = r.getValue().getValue();
      if (reply == null) {
        continue;
      }
      try {
        Frames.Opened o = frames.open(reply, 0, reply.length);
        for (EntryCopy c : ClusterMessages.readEntries(o.buf(), o.off(), o.len(), limits).entries()) {
          if (java.util.Arrays.equals(c.key(), key) && (newest == null || Versions.isNewer(c, newest))) {
            newest = c;
          }
        }
      } catch (MalformedMessageException | SealException ex) {
        reject(r.getKey(), ex);
      }
    }
    return newest;
  }

  // --------------------------------------------------------------- writes

  /** Writes with the configured write mode; see the class contract. */
  public StateEntry put(byte[] key, byte[] value, long maxIdleMillis) {
    return put(key, value, maxIdleMillis, settings.writeMode());
  }

  /**
   * Writes {@code value} under a new version and replicates it.
   *
   * @throws ReplicationException in sync mode with {@code syncTimeoutAction=fail} when an owner did
   *     not acknowledge in time
   */
  public StateEntry put(byte[] key, byte[] value, long maxIdleMillis, WriteMode mode) {
    Membership m = membership;
    long h = owned.hashOf(key);
    StateTable table = tableFor(m, h);
    StateEntry written = table.put(key, h, value, maxIdleMillis);
    otherTable(table).discard(key, h, null);
    return replicate(written, m, h, mode).awaitReplicated();
  }

  /**
   * Writes {@code newValue}, made by changing {@code base} (the entry this node returned earlier),
   * and replicates only the change: {@code delta}, which receivers apply to their copy of
   * {@code base}. A receiver whose copy is not {@code base} fetches the whole new value from this
   * node instead. If this node no longer holds {@code base} itself (another write came in between),
   * the whole value is replicated. Deltas are understood for {@link dev.baton.state.StateKind#HTTP_SESSION}
   * entries ({@link dev.baton.codec.SessionDelta}).
   */
  public StateEntry putDelta(byte[] key, StateEntry base, byte[] newValue, byte[] delta, long maxIdleMillis,
      WriteMode mode) {
    return startDelta(key, base, newValue, delta, maxIdleMillis, mode).awaitReplicated();
  }

  /**
   * Like {@link #putDelta} ({@code base} and {@code delta} may be null for a whole new value), but
   * returns as soon as the write is applied here and handed to the node's sender (sent, or queued
   * behind a message in flight, see {@link WriteSender}): the caller waits for the
   * acknowledgements with {@link Write#awaitReplicated()} when it likes, for example after
   * releasing a lock, so that concurrent writers of one key each wait only for their own
   * acknowledgements. Writes started in some order by one thread (or under one lock) reach every
   * node in that order.
   */
  public Write startDelta(byte[] key, StateEntry base, byte[] newValue, byte[] delta, long maxIdleMillis,
      WriteMode mode) {
    Membership m = membership;
    long h = owned.hashOf(key);
    StateTable table = tableFor(m, h);
    boolean[] onBase = new boolean[1];
    StateEntry written = table.compute(key, h, maxIdleMillis, current -> {
      // The table never copies values, so the same array means the same write.
      onBase[0] = base != null && current != null && current == base.value();
      return newValue;
    });
    otherTable(table).discard(key, h, null);
    if (onBase[0] && m != null && m.members().size() > 1) {
      metrics.deltasSent.increment();
      return multicast(written, m, h, new ClusterMessages.Part(ClusterMessages.TYPE_DELTA,
          ClusterMessages.delta(m.viewId(), base, written, delta)), mode);
    }
    return replicate(written, m, h, mode);
  }

  /** Deletes with the configured write mode. */
  public StateEntry remove(byte[] key) {
    return remove(key, settings.writeMode());
  }

  /** Deletes {@code key} (a tombstone) and replicates the delete. */
  public StateEntry remove(byte[] key, WriteMode mode) {
    Membership m = membership;
    long h = owned.hashOf(key);
    StateTable table = tableFor(m, h);
    StateEntry tomb = table.remove(key, h);
    otherTable(table).discard(key, h, null);
    return replicate(tomb, m, h, mode).awaitReplicated();
  }

  /**
   * Marks a live entry as accessed now. Other nodes learn the access time in the next batch (every
   * {@code touchInterval}), so an entry in use on one node does not expire on another.
   *
   * @return false if there is no live entry here
   */
  public boolean touch(byte[] key) {
    long now = System.currentTimeMillis();
    boolean touched = owned.touch(key, now) || near.touch(key, now);
    if (touched) {
      pendingTouches.put(ByteBuffer.wrap(key), now);
    }
    return touched;
  }

  /** Sends a copy made elsewhere (same version) on into this cluster: how a repository feeds its upstream. */
  void forward(StateEntry copy) {
    Membership m = membership;
    long h = owned.hashOf(copy.key());
    if (tableFor(m, h).putIfNewer(copy, h)) {
      replicate(copy, m, h, WriteMode.ASYNC).awaitReplicated();
    }
  }

  private Write replicate(StateEntry e, Membership m, long keyHash, WriteMode mode) {
    if (m == null || m.members().size() < 2) {
      return new Write(e, null, List.of());
    }
    return multicast(e, m, keyHash, new ClusterMessages.EntryWrite(ClusterMessages.PURPOSE_WRITE, m.viewId(), e), mode);
  }

  /** Multicasts a write once; in sync mode the returned write can wait for the key's other owners. */
  private Write multicast(StateEntry e, Membership m, long keyHash, ClusterMessages.Outgoing part, WriteMode mode) {
    metrics.writes.increment();
    if (mode == WriteMode.SYNC) {
      List<Address> targets = new ArrayList<>(m.owners(keyHash));
      targets.remove(self());
      if (!targets.isEmpty()) {
        return new Write(e, sender.sendSync(e, keyHash, part, targets), targets);
      }
    }
    sender.sendAsync(e, keyHash, part);
    return new Write(e, null, List.of());
  }

  /** How {@link WriteSender} puts a message of writes on the wire. */
  private java.util.concurrent.CompletableFuture<RspList<Object>> castWrite(byte[] frame, Collection<Address> ackFrom,
      boolean onlySync) throws Exception {
    Message msg = new FrameMessage(frame);
    if (ackFrom.isEmpty()) {
      dispatcher.castMessage(null, msg, RequestOptions.ASYNC().transientFlags(Message.TransientFlag.DONT_LOOPBACK));
      return null;
    }
    RequestOptions sync = new RequestOptions(ResponseMode.GET_ALL, settings.syncTimeout().toMillis(), false,
        new OwnersAcked(ackFrom)).transientFlags(Message.TransientFlag.DONT_LOOPBACK);
    // Sync writes are paced by their acknowledgements (a window of one message): MFC's credits would
    // add nothing but a way to block the receiver thread that may send them.
    return dispatcher.castMessageWithFuture(null, msg, onlySync ? sync.flags(Message.Flag.NO_FC) : sync);
  }

  /**
   * A write applied on this node whose copies are on their way to the other owners. In sync mode
   * {@link #awaitReplicated()} waits for their acknowledgements; in async mode it returns at once.
   */
  public final class Write {
    private final StateEntry entry;
    private final java.util.concurrent.CompletableFuture<RspList<Object>> acks;
    private final List<Address> targets;

    private Write(StateEntry entry, java.util.concurrent.CompletableFuture<RspList<Object>> acks, List<Address> targets) {
      this.entry = entry;
      this.acks = acks;
      this.targets = targets;
    }

    /** The entry written on this node. */
    public StateEntry entry() {
      return entry;
    }

    /**
     * Waits until every other owner applied the write, or the sync timeout; see the class contract.
     *
     * @return the entry written
     * @throws ReplicationException with {@code syncTimeoutAction=fail}, if an owner did not answer
     */
    public StateEntry awaitReplicated() {
      if (acks == null) {
        return entry;
      }
      RspList<Object> rsps;
      try {
        // A write may wait for the message before it (WriteSender's window), then for its own acks.
        rsps = acks.get(2 * settings.syncTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return failed("interrupted while waiting for acknowledgements", ex);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
        return failed("replication failed: " + ex, ex);
      }
      int missing = 0;
      for (Address t : targets) {
        if (rsps.isReceived(t)) {
          metrics.acks.increment();
        } else if (!rsps.isSuspected(t) && membership.contains(t)) {
          missing++;
        }
      }
      if (missing > 0) {
        return failed(missing + " owner(s) did not acknowledge a write within " + settings.syncTimeout().toMillis()
            + " ms (syncTimeout)", null);
      }
      return entry;
    }

    private StateEntry failed(String message, Throwable cause) {
      metrics.ackTimeouts.increment();
      if (settings.failOnSyncTimeout()) {
        throw new ReplicationException(message, cause);
      }
      warn(message + "; carrying on as async (syncTimeoutAction=async)");
      return entry;
    }
  }

  /** Completes a sync write once every listed owner has answered (or left). */
  private static final class OwnersAcked implements RspFilter {
    private final Set<Address> waiting;

    OwnersAcked(Collection<Address> owners) {
      this.waiting = new HashSet<>(owners);
    }

    @Override
    public synchronized boolean isAcceptable(Object response, Address sender) {
      waiting.remove(sender);
      return true;
    }

    @Override
    public synchronized boolean needMoreResponses() {
      return !waiting.isEmpty();
    }
  }

  // ------------------------------------------------------------- receiving

  private final class Handler implements RequestHandler {
    @Override
    public Object handle(Message msg) {
      Address from = msg.getSrc();
      try {
        if (msg instanceof FrameMessage f && f.writes() != null) {
          frames.expectSealed(false);
          ClusterMessages.checkLimits(f.writes(), limits);
          applyWrites(f.writes(), from);
          return Boolean.TRUE;
        }
        Frames.Opened o = frames.open(msg.getArray(), msg.getOffset(), msg.getLength());
        switch (o.type()) {
          case ClusterMessages.TYPE_ENTRIES, ClusterMessages.TYPE_DELTA, ClusterMessages.TYPE_BATCH -> {
            applyWrites(ClusterMessages.readWrites(o.type(), o.buf(), o.off(), o.len(), limits), from);
            return Boolean.TRUE;
          }
          case ClusterMessages.TYPE_TOUCHES -> {
            for (ClusterMessages.Touch t : ClusterMessages.readTouches(o.body())) {
              if (!owned.touch(t.key(), t.atMillis())) {
                near.touch(t.key(), t.atMillis());
              }
            }
            return null;
          }
          case ClusterMessages.TYPE_PULL -> {
            return answerPull(ClusterMessages.readPull(o.body()));
          }
          case ClusterMessages.TYPE_REBALANCE_DONE -> {
            ClusterMessages.readRebalanceDone(o.body());
            doneFrom(from);
            return null;
          }
          default -> throw new MalformedMessageException("unknown message type " + o.type());
        }
      } catch (MalformedMessageException | SealException ex) {
        reject(from, ex);
        return null;
      }
    }
  }

  private void applyWrites(List<ClusterMessages.Incoming> writes, Address from) throws MalformedMessageException {
    for (ClusterMessages.Incoming w : writes) {
      if (w instanceof ClusterMessages.Entries entries) {
        applyEntries(entries);
      } else {
        applyDelta((ClusterMessages.Delta) w, from);
      }
    }
  }

  private void applyEntries(ClusterMessages.Entries msg) {
    Membership m = membership;
    boolean sameView = m != null && m.viewId() == msg.viewId();
    long newest = Long.MIN_VALUE;
    for (EntryCopy c : msg.entries()) {
      newest = Math.max(newest, c.version());
    }
    clock.observe(newest);
    int applied = 0;
    for (EntryCopy c : msg.entries()) {
      long h = owned.hashOf(c.key());
      boolean owner = isOwner(m, h);
      StateTable table;
      if (owner) {
        table = owned;
      } else if (msg.purpose() == ClusterMessages.PURPOSE_REBALANCE || !sameView || near.getAnyEntry(c.key()) != null) {
        // Not ours by our view, but the sender thought so or we serve it: keep it near.
        table = near;
      } else {
        continue;
      }
      if (table.putIfNewerObserved(c, h)) {
        applied++;
        if (owner) {
          near.discard(c.key(), h, null);
        }
        settle(c, h, table, m);
        changed(c);
        if (upstream != null) {
          upstream.forward(c);
        }
      } else {
        metrics.copiesStale.increment();
      }
    }
    metrics.copiesApplied.add(applied);
  }

  /**
   * Moves an entry just applied into {@code placedIn} by view {@code m} to the table the current
   * view puts it in, if the view changed meanwhile: that view's rebalance (on its own thread) may
   * have gone through the tables before the entry was in, and would leave it, for example, near
   * instead of owned.
   */
  private void settle(StateEntry e, long h, StateTable placedIn, Membership m) {
    Membership now = membership;
    if (now != m) {
      StateTable right = tableFor(now, h);
      if (right != placedIn) {
        move(e, h, placedIn, right);
      }
    }
  }

  /** Moves {@code e} between this node's two tables, unless {@code from} holds a newer write by now. */
  private static void move(StateEntry e, long h, StateTable from, StateTable to) {
    to.putIfNewer(e, h);
    from.discard(e.key(), h, e);
  }

  private void applyDelta(ClusterMessages.Delta d, Address from) throws MalformedMessageException {
    Membership m = membership;
    EntryCopy w = d.written();
    long h = owned.hashOf(w.key());
    boolean owner = isOwner(m, h);
    StateTable table = owner ? owned : near;
    StateEntry held = table.getAnyEntry(w.key());
    if (!owner && held == null) {
      return; // neither ours nor something we serve
    }
    if (held != null && !Versions.isNewer(w, held)) {
      metrics.copiesStale.increment();
      return;
    }
    if (held != null && held.value() != null && held.version() == d.baseVersion() && held.origin() == d.baseOrigin()) {
      byte[] merged = Deltas.apply(w.key(), held.value(), d.delta(), limits);
      if (merged != null) {
        EntryCopy applied = new EntryCopy(w.key(), merged, w.version(), w.origin(), w.createdMillis(),
            w.lastAccessMillis(), w.maxIdleMillis());
        if (table.putIfNewer(applied, h)) {
          metrics.deltasApplied.increment();
          metrics.copiesApplied.increment();
          settle(applied, h, table, m);
          changed(applied);
        } else {
          metrics.copiesStale.increment(); // a newer write came in between
        }
        return;
      }
    }
    // Not on the base the delta was made from: take the whole value from the writer.
    metrics.deltaFallbacks.increment();
    StateEntry full = pullFrom(w.key(), List.of(from));
    if (full != null && table.putIfNewer(full, h)) {
      metrics.copiesApplied.increment();
      settle(full, h, table, m);
      changed(full);
    }
  }

  private byte[] answerPull(byte[] key) {
    StateEntry e = owned.getAnyEntry(key);
    if (e == null) {
      e = near.getAnyEntry(key);
    }
    if (e == null && upstream != null) {
      // A repository answers from the higher repository what it does not hold itself.
      e = upstream.getOrPull(key);
    }
    if (e == null) {
      return null;
    }
    Membership m = membership;
    return frames.frame(ClusterMessages.TYPE_ENTRIES, ClusterMessages.entries(
        ClusterMessages.PURPOSE_PULL_REPLY, m == null ? 0 : m.viewId(), List.of(e)));
  }

  private void reject(Address from, Exception ex) {
    metrics.rejected.increment();
    warn("dropped a message from " + from + ": " + ex.getMessage());
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_INTERVAL_MILLIS && lastWarning.compareAndSet(last, now)) {
      LOG.log(Level.WARNING, "[" + settings.nodeName() + "] " + message
          + " (further warnings of this node are held back for " + WARN_INTERVAL_MILLIS / 1000 + " s)");
    }
  }

  // ------------------------------------------------------------ membership

  private void onView(View view) {
    Membership next = new Membership(view, settings.topology(), settings.owners(), hash);
    Membership prev = membership;
    membership = next;
    if (closed) {
      return;
    }
    rebalancer.execute(() -> {
      try {
        rebalance(prev, next, view instanceof MergeView);
      } catch (RuntimeException ex) {
        if (!closed) {
          LOG.log(Level.WARNING, "rebalancing after view " + view.getViewId() + " failed", ex);
        }
      }
    });
  }

  private void rebalance(Membership prev, Membership next, boolean merge) {
    Address self = self();
    updateReadiness(prev, next);
    Map<Address, List<StateEntry>> batches = new HashMap<>();
    Map<Address, Integer> batchBytes = new HashMap<>();
    for (StateTable table : List.of(owned, near)) {
      table.forEach(HashRange.ALL, e -> {
        long h = owned.hashOf(e.key());
        List<Address> newOwners = next.owners(h);
        for (Address target : pushTargets(prev, next, merge, h, newOwners, self)) {
          List<StateEntry> batch = batches.computeIfAbsent(target, t -> new ArrayList<>());
          batch.add(e);
          int bytes = batchBytes.merge(target, e.key().length + (e.value() == null ? 0 : e.value().length) + 48, Integer::sum);
          if (bytes >= PUSH_BATCH_BYTES) {
            push(target, next, batch);
            batches.remove(target);
            batchBytes.remove(target);
          }
        }
        boolean nowOwner = newOwners.contains(self);
        if (table == owned && !nowOwner) {
          move(e, h, owned, near);
        } else if (table == near && nowOwner) {
          move(e, h, near, owned);
        }
      });
    }
    batches.forEach((target, batch) -> push(target, next, batch));
    byte[] done = frames.frame(ClusterMessages.TYPE_REBALANCE_DONE, ClusterMessages.rebalanceDone(next.viewId()));
    for (Address a : next.members()) {
      if (!a.equals(self) && (prev == null || !prev.contains(a))) {
        unicast(a, done);
      }
    }
  }

  /**
   * Who must receive an entry after a view change: after a merge, every owner (from every holder);
   * otherwise the new owners, sent by the first old owner still present, or by every holder when no
   * old owner survived.
   */
  private static List<Address> pushTargets(Membership prev, Membership next, boolean merge, long h,
      List<Address> newOwners, Address self) {
    if (prev == null) {
      return List.of();
    }
    List<Address> targets = new ArrayList<>(newOwners);
    targets.remove(self);
    if (merge || targets.isEmpty()) {
      return targets;
    }
    Address primary = null;
    for (Address a : prev.rankedOwners(h)) {
      if (next.contains(a)) {
        primary = a;
        break;
      }
    }
    if (primary == null) {
      return targets;
    }
    if (!primary.equals(self)) {
      return List.of();
    }
    targets.removeAll(prev.owners(h));
    return targets;
  }

  private void push(Address target, Membership m, List<StateEntry> batch) {
    byte[] frame = frames.frame(ClusterMessages.TYPE_ENTRIES,
        ClusterMessages.entries(ClusterMessages.PURPOSE_REBALANCE, m.viewId(), batch));
    metrics.rebalanced.add(batch.size());
    unicast(target, frame);
  }

  private void unicast(Address target, byte[] frame) {
    try {
      metrics.bytesSent.add(frame.length);
      dispatcher.castMessage(List.of(target), new FrameMessage(frame), RequestOptions.ASYNC().anycasting(true));
    } catch (Exception ex) {
      warn("could not send to " + target + ": " + ex);
    }
  }

  private void updateReadiness(Membership prev, Membership next) {
    if (prev == null) {
      for (Address a : next.members()) {
        if (!a.equals(self())) {
          awaitingDone.add(a);
        }
      }
      readinessKnown = true;
    }
    awaitingDone.removeIf(a -> !next.contains(a) || doneReceived.contains(a));
    checkReady();
  }

  private void doneFrom(Address from) {
    doneReceived.add(from);
    awaitingDone.remove(from);
    checkReady();
  }

  private void checkReady() {
    if (readinessKnown && awaitingDone.isEmpty()) {
      ready.countDown();
    }
  }

  // --------------------------------------------------------------- helpers

  private Address self() {
    return channel.getAddress();
  }

  private boolean isOwner(Membership m, long keyHash) {
    return m == null || m.owns(self(), keyHash);
  }

  private StateTable tableFor(Membership m, long keyHash) {
    return isOwner(m, keyHash) ? owned : near;
  }

  private StateTable otherTable(StateTable t) {
    return t == owned ? near : owned;
  }

  private void sweep() {
    try {
      owned.sweep();
      near.sweep();
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "expiry sweep failed", ex);
    }
  }

  private void flushTouches() {
    if (pendingTouches.isEmpty()) {
      return;
    }
    List<ClusterMessages.Touch> batch = new ArrayList<>();
    for (ByteBuffer k : pendingTouches.keySet()) {
      Long at = pendingTouches.remove(k);
      if (at != null) {
        batch.add(new ClusterMessages.Touch(k.array(), at));
      }
      if (batch.size() == 10_000) {
        sendTouches(batch);
        batch = new ArrayList<>();
      }
    }
    sendTouches(batch);
  }

  private void sendTouches(List<ClusterMessages.Touch> batch) {
    Membership m = membership;
    if (batch.isEmpty() || m == null || m.members().size() < 2) {
      return;
    }
    try {
      byte[] frame = frames.frame(ClusterMessages.TYPE_TOUCHES, ClusterMessages.touches(batch));
      metrics.bytesSent.add(frame.length);
      dispatcher.castMessage(null, new FrameMessage(frame),
          RequestOptions.ASYNC().transientFlags(Message.TransientFlag.DONT_LOOPBACK));
    } catch (Exception ex) {
      warn("could not send access times: " + ex);
    }
  }

  private long retransmissionRequests() {
    NAKACK2 nak = channel.getProtocolStack().findProtocol(NAKACK2.class);
    return nak == null ? 0 : nak.getXmitRequestsSent();
  }

  private void registerJmx() {
    try {
      jmxName = new ObjectName("dev.baton:type=ClusterNode,cluster=" + ObjectName.quote(settings.clusterName())
          + ",node=" + ObjectName.quote(settings.nodeName()));
      ManagementFactory.getPlatformMBeanServer().registerMBean(metrics, jmxName);
    } catch (Exception ex) {
      jmxName = null;
      LOG.log(Level.INFO, "node metrics not registered in JMX: " + ex.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Leaves the cluster and stops every thread of this node. */
  @Override
  public void close() {
    closed = true;
    flushTouches();
    sender.close();
    scheduler.shutdownNow();
    rebalancer.shutdownNow();
    try {
      rebalancer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    if (upstream != null) {
      upstream.close();
    }
    dispatcher.stop();
    channel.close();
    if (sealer != null) {
      sealer.close();
    }
    if (jmxName != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
      } catch (Exception ex) {
        LOG.log(Level.DEBUG, "unregistering " + jmxName + ": " + ex.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return "ClusterNode[" + settings.nodeName() + "@" + settings.clusterName() + ", members=" + memberNames() + "]";
  }
}
