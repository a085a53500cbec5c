package dev.baton.tls;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.WriteMode;
import dev.baton.wire.MalformedMessageException;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.StateKind;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the cluster's TLS ticket-key ring in the state cache (kind {@link StateKind#TLS_TICKET_KEYS})
 * and in every TLS context of this node. The coordinator of the view writes the next key at least
 * one rotation period ahead (settings {@code tlsKeyRotation}, {@code tlsTicketLifetime}); every node
 * reads the ring, pulling it from its peers if it lacks it, and hands it to its
 * {@link TicketKeyInstaller}s. The ring travels sealed like every entry and is never logged.
 *
 * <p>One rotation per cluster node: {@link #acquire} shares it between the connectors of a JVM.
 */
public final class TicketKeyRotation implements AutoCloseable {

  /** The cache key of the ring: cluster-wide, one per cluster. */
  public static final StateKey RING = new StateKey(StateKind.TLS_TICKET_KEYS, "", "ring");

  private static final System.Logger LOG = System.getLogger(TicketKeyRotation.class.getName());
  private static final Map<ClusterNode, Shared> BY_NODE = new IdentityHashMap<>();

  private record Shared(TicketKeyRotation rotation, int users) {}

  private final ClusterNode node;
  private final byte[] ringKey = RING.toBytes();
  private final long rotationMillis;
  private final long lifetimeMillis;
  private final SecureRandom random = new SecureRandom();
  private final List<TicketKeyInstaller> installers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private volatile TicketKeyRing ring = TicketKeyRing.EMPTY;

  private TicketKeyRotation(ClusterNode node) {
    this.node = node;
    this.rotationMillis = node.settings().tlsKeyRotation().toMillis();
    this.lifetimeMillis = node.settings().tlsTicketLifetime().toMillis();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "baton-tls-keys-" + node.settings().nodeName());
      t.setDaemon(true);
      return t;
    });
    check();
    // A tenth of the period: the next key is written a whole period ahead, so every node reads it
    // long before it is needed (no change listener, which would cost every replicated write a
    // lookup); at least once a minute, so a reloaded TLS context gets the ring soon.
    long every = Math.max(200, Math.min(rotationMillis / 10, 60_000));
    timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  /** The rotation of {@code node}, started by the first caller; give it back with {@link #close()}. */
  public static synchronized TicketKeyRotation acquire(ClusterNode node) {
    Shared s = BY_NODE.get(node);
    TicketKeyRotation r = s == null ? new TicketKeyRotation(node) : s.rotation();
    BY_NODE.put(node, new Shared(r, s == null ? 1 : s.users() + 1));
    return r;
  }

  /** The ring as last read or written here. */
  public TicketKeyRing ring() {
    return ring;
  }

  /**
   * Adds an installer and gives it the ring before returning, so that a container can install the
   * keys before its connectors accept connections.
   */
  public void addInstaller(TicketKeyInstaller installer) {
    installers.add(installer);
    check();
  }

  public void removeInstaller(TicketKeyInstaller installer) {
    installers.remove(installer);
  }

  /** Reads the ring, rotates it if this node is the coordinator, installs it. Runs on the timer. */
  synchronized void check() {
    try {
      long now = System.currentTimeMillis();
      TicketKeyRing r = read();
      if (node.isCoordinator()) {
        TicketKeyRing next = r.rotated(now, rotationMillis, lifetimeMillis, random);
        if (next != r) {
          node.put(ringKey, next.encode(), 0, WriteMode.SYNC);
          LOG.log(Level.DEBUG, "TLS ticket keys rotated: {0} keys", next.keys().size());
          r = next;
        }
      }
      ring = r;
      if (!r.isEmpty()) {
        for (TicketKeyInstaller i : installers) {
          i.install(r, now);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "TLS ticket key check failed; the next check retries: " + e);
    }
  }

  private TicketKeyRing read() {
    StateEntry e = node.getOrPull(ringKey);
    if (e == null) {
      return TicketKeyRing.EMPTY;
    }
    try {
      return TicketKeyRing.decode(e.value());
    } catch (MalformedMessageException ex) {
      LOG.log(Level.WARNING, "the TLS ticket key ring in the cluster cache is unreadable (" + ex.getMessage()
          + "); the coordinator writes a new one");
      return TicketKeyRing.EMPTY;
    }
  }

  @Override
  public void close() {
    synchronized (TicketKeyRotation.class) {
      Shared s = BY_NODE.get(node);
      if (s == null || s.rotation() != this) {
        return;
      }
      if (s.users() > 1) {
        BY_NODE.put(node, new Shared(this, s.users() - 1));
        return;
      }
      BY_NODE.remove(node);
    }
    timer.shutdownNow();
  }
}
