package dev.baton.cluster;

import dev.baton.hash.BuzHash;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKind;
import dev.baton.wire.Envelope;
import dev.baton.wire.KeyMaterial;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@link ClusterNode}: wires the engine's parts and delegates to them. Each part has one job:
 * {@link ClusterView} (membership and ownership), {@link LocalStore} (the two tables and where an
 * entry lives), {@link WritePath} with {@link WriteSender} (local writes on their way out),
 * {@link ReceivePath} (what arrives), {@link Puller} (pull on miss), {@link Rebalancer} with
 * {@link JoinGate} (view changes, join readiness), {@link TouchBatcher} (access times),
 * {@link UpstreamLink} (the tier above) and a {@link Transport} (the network).
 */
final class Engine implements ClusterNode {

  /** Makes the transport of a node. */
  @FunctionalInterface
  interface TransportFactory {
    /**
     * @param keys the keys of the cluster's secrets, the sealing one first; empty in plaintext
     * @param refused told of every unit from the network the envelope refused
     */
    Transport create(ClusterSettings settings, List<KeyMaterial> keys, BiConsumer<Envelope.RejectedException, Object> refused)
        throws Exception;
  }

  static final TransportFactory JGROUPS = JGroupsTransport::new;

  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());

  private final ClusterSettings settings;
  private final TransportFactory transports;
  private final int nodeId;
  private final Transport transport;
  private final NodeMetrics metrics;
  private final ClusterView view;
  private final HybridClock clock;
  private final LocalStore store;
  private final WriteSender sender;
  private final WritePath writes;
  private final ReceivePath receiver;
  private final Puller puller;
  private final Rebalancer rebalancer;
  private final TouchBatcher touches;
  private final ScheduledExecutorService scheduler;
  private final RateLimitedLog refusals;
  private UpstreamLink upstream;

  private Engine(ClusterSettings settings, TransportFactory transports) throws Exception {
    this.settings = settings;
    this.transports = transports;
    String name = settings.nodeName();
    List<KeyMaterial> keys = settings.keys();
    BuzHash hash = settings.keyHash();
    if (keys.isEmpty()) {
      LOG.log(Level.WARNING, "Baton cluster '" + settings.clusterName() + "' runs with encryption=none: "
          + "session data, logins and TLS keys cross the network in plaintext and any host that can reach "
          + "the cluster's ports can join it");
    }
    this.nodeId = (int) hash.hash(name.getBytes(StandardCharsets.UTF_8));
    RateLimitedLog log = new RateLimitedLog(LOG, "[" + name + "] ");
    this.refusals = new RateLimitedLog(LOG, "[" + name + "] ");
    this.transport = transports.create(settings, keys, this::refused);
    this.clock = new HybridClock();
    this.view = new ClusterView(settings.topology(), settings.owners(), hash);
    this.store = new LocalStore(settings, hash, clock, nodeId, view);
    this.metrics = new NodeMetrics(transport::retransmissionRequests, store.owned()::size, store.owned()::bytes,
        store.near()::size, store.near()::bytes, () -> {
          Membership m = view.current();
          return m == null ? 0 : m.members().size();
        });
    this.sender = new WriteSender(name, WriteSender.maxBatchBytes(transport.fragmentSize()),
        (frame, ackFrom, onlySync) -> {
          if (ackFrom.isEmpty()) {
            transport.multicast(frame);
            return null;
          }
          return transport.multicastAcked(frame, ackFrom, onlySync);
        }, metrics, ex -> log.warn("could not send a write: " + ex));
    OwnerWatch owners = new OwnerWatch(settings, view, transport, metrics, log);
    this.writes = new WritePath(settings, view, store, sender, owners, metrics, log);
    this.receiver = new ReceivePath(view, store, clock, owners, metrics, log);
    this.puller = new Puller(settings, view, store, transport, metrics, log);
    this.rebalancer = new Rebalancer(name, view, store, transport, metrics, log);
    this.touches = new TouchBatcher(view, store, transport, metrics, log);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("baton-sweep-" + name));
  }

  /** Starts a node over the transports {@code transports} makes (JGroups, or a test's network). */
  static Engine start(ClusterSettings settings, TransportFactory transports) throws Exception {
    Engine node = new Engine(settings, transports);
    try {
      node.connect();
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void connect() throws Exception {
    // The tier above first: what arrives here from the first view on is forwarded to it.
    upstream = UpstreamLink.start(settings, transports);
    receiver.route(rebalancer, puller, touches, upstream);
    puller.route(receiver, upstream);
    transport.connect(receiver);
    long sweep = settings.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    long touch = settings.touchInterval().toMillis();
    scheduler.scheduleWithFixedDelay(touches::flush, touch, touch, TimeUnit.MILLISECONDS);
    metrics.register(settings.clusterName(), settings.nodeName());
    if (!awaitReady(settings.stateTransferTimeout())) {
      LOG.log(Level.WARNING, "node " + settings.nodeName() + " did not receive its whole portion within "
          + settings.stateTransferTimeout().toMillis() + " ms (stateTransferTimeout); serving anyway, "
          + "missing entries will be pulled on demand");
    }
    LOG.log(Level.INFO, "Baton node " + settings.nodeName() + " joined cluster '" + settings.clusterName()
        + "' (" + settings.topology() + ", " + settings.writeMode() + ", members " + memberNames() + ")");
  }

  @Override public ClusterSettings settings() { return settings; }
  @Override public NodeMetrics metrics() { return metrics; }
  @Override public int nodeId() { return nodeId; }
  @Override public List<String> memberNames() { return view.memberNames(); }
  @Override public boolean isCoordinator() { return view.isCoordinator(); }
  @Override public StateEntry get(byte[] key) { return store.get(key); }
  @Override public StateEntry getAny(byte[] key) { return store.getAny(key); }
  @Override public StateEntry getOrPull(byte[] key) { return puller.getOrPull(key); }
  @Override public void forEachLive(Consumer<StateEntry> action) { store.forEachLive(action); }
  @Override public Write write(WriteRequest request) { return writes.write(request); }
  @Override public boolean touch(byte[] key) { return touches.touch(key); }
  @Override public void registerMerger(StateKind kind, Merger merger) { store.registerMerger(kind, merger); }
  @Override public long newVersion() { return clock.next(); }
  @Override public void addChangeListener(Consumer<StateEntry> listener) { receiver.addChangeListener(listener); }

  @Override
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return rebalancer.gate().await(timeout);
  }

  /** See {@link WritePath#forward}: how a repository feeds the cluster above it. */
  void forward(StateEntry copy) {
    writes.forward(copy);
  }

  /** The view, the tables and the network, for tests of this package. */
  ClusterView view() {
    return view;
  }

  LocalStore store() {
    return store;
  }

  Transport transport() {
    return transport;
  }

  /** A unit from the network that its envelope refused: counted by cause; the log says who sent it, never what. */
  private void refused(Envelope.RejectedException e, Object from) {
    metrics.refused(e.rejection());
    refusals.warn(() -> "refused a unit from " + from + " (" + e.rejection() + "): " + e.getMessage());
  }

  private void sweep() {
    try {
      store.sweep();
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "expiry sweep failed", ex);
    }
  }

  @Override
  public void close() {
    touches.flush();
    sender.close();
    scheduler.shutdownNow();
    rebalancer.close();
    if (upstream != null) {
      upstream.close();
    }
    transport.close();
    metrics.unregister();
  }

  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "ClusterNode[" + settings.nodeName() + "@" + settings.clusterName() + ", members=" + memberNames() + "]";
  }
}
