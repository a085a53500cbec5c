package dev.baton.tomcat;

import dev.baton.cluster.ClusterConfigException;
import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.Setting;
import dev.baton.cluster.Settings;
import dev.baton.cluster.Write;
import dev.baton.session.AllowListFilter;
import dev.baton.session.AttributeSerializer;
import dev.baton.session.SessionRecord;
import dev.baton.session.SessionStore;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Session;
import org.apache.catalina.Valve;
import org.apache.catalina.authenticator.Constants;
import org.apache.catalina.connector.Request;
import org.apache.catalina.session.ManagerBase;

/**
 * Tomcat session manager that keeps sessions in the Baton cluster, through the container-neutral
 * {@link SessionStore}.
 *
 * <ul>
 *   <li>A session is a {@link SessionRecord} in the cluster cache; every node of the cluster can
 *       load it ({@link #findSession}), pulling it from its owners if needed.</li>
 *   <li>At the end of each request ({@link BatonValve}) what the request changed is replicated: the
 *       attributes set or removed, plus mutable attributes that were read ({@link DirtyPolicy}); as a
 *       delta against the version this node holds. A request that changed nothing only refreshes the
 *       last access time (batched).</li>
 *   <li>The login (principal, roles, auth type) travels with the session, so the user stays logged
 *       in on another node; a login that rotates the session id moves the record to the new id.</li>
 *   <li>An invalidated or expired session is deleted cluster-wide (a tombstone) and never comes back.
 *       A time-out is decided against the latest access on any node; its listeners fire on one
 *       node only (see {@link SessionStore#firesExpiry}).</li>
 *   <li>With {@code maxIdleSwap} set, a session nobody uses keeps its attributes only as the
 *       serialized record the cluster cache holds anyway, as Tomcat's {@code PersistentManager}
 *       swaps idle sessions out, but without a store to read back.</li>
 * </ul>
 *
 * <p>Usually created by {@link BatonCluster} for each {@code <distributable/>} application. It can
 * also stand alone as {@code <Manager className="dev.baton.tomcat.BatonManager" .../>} in a
 * {@code context.xml}, with the settings (docs/configuration.md) as attributes.
 */
public class BatonManager extends ManagerBase {

  private final Map<String, String> ownSettings = new LinkedHashMap<>();
  private BatonCluster cluster;
  private ClusterNode node;
  private boolean ownsNode;
  private SessionStore store;
  private DirtyPolicy dirtyPolicy = DirtyPolicy.ACCESSED;
  private int maxIdleSwap = 0;

  /** A manager configured by its own attributes (standalone use in {@code context.xml}). */
  public BatonManager() {
  }

  BatonManager(BatonCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String getName() {
    return "BatonManager";
  }

  /** Any setting (docs/configuration.md), when this manager is used standalone; checked at start. */
  public boolean setProperty(String name, String value) {
    ownSettings.put(name, value);
    return true;
  }

  /**
   * The settings this manager runs with (its cluster element's, then its own attributes over them),
   * checked; takes its own ({@code dirtyPolicy}, {@code maxIdleSwap}) from them.
   *
   * @throws ClusterConfigException naming a bad one
   */
  Map<String, String> readSettings() {
    Map<String, String> s = new LinkedHashMap<>(cluster != null ? cluster.settings() : Map.of());
    s.putAll(ownSettings);
    Settings.check(s, Setting.Container.TOMCAT);
    dirtyPolicy = DirtyPolicy.valueOf(Settings.DIRTY_POLICY.get(s).toUpperCase(Locale.ROOT));
    maxIdleSwap = Settings.MAX_IDLE_SWAP.get(s);
    return s;
  }

  /** Whether sessions are ever swapped out ({@code maxIdleSwap}). */
  boolean swapsOut() {
    return maxIdleSwap >= 0;
  }

  DirtyPolicy dirtyPolicy() {
    return dirtyPolicy;
  }

  @Override
  protected void startInternal() throws LifecycleException {
    super.startInternal();
    Context context = getContext();
    if (cluster == null && context.getCluster() instanceof BatonCluster c) {
      cluster = c;
    }
    List<String> allow;
    try {
      Map<String, String> settings = readSettings();
      allow = Settings.ATTRIBUTE_ALLOW_LIST.get(settings);
      if (cluster != null) {
        node = cluster.node();
      } else {
        node = ClusterNodes.acquire(ClusterSettings.from(settings, getJvmRoute()));
        ownsNode = true;
      }
    } catch (ClusterConfigException e) {
      throw new LifecycleException(e.getMessage(), e);
    } catch (Exception e) {
      throw new LifecycleException("Baton could not join its cluster: " + e.getMessage(), e);
    }
    store = new SessionStore(node, hostScope(context), context.getPath(),
        new AttributeSerializer(AllowListFilter.defaultsPlus(allow == null ? List.of() : allow,
            node.settings().attributeMaxBytes())));
    // In the host's pipeline, once per host, not the application's: there it wraps the
    // application's authenticator too, whose own answers (the FORM login page, j_security_check's
    // redirect) change the session and must be replicated like any other request's.
    Pipeline pipeline = context.getParent() != null ? context.getParent().getPipeline() : context.getPipeline();
    synchronized (pipeline) {
      boolean hasValve = false;
      for (Valve v : pipeline.getValves()) {
        hasValve |= v instanceof BatonValve;
      }
      if (!hasValve) {
        pipeline.addValve(new BatonValve());
      }
    }
    setState(LifecycleState.STARTING);
  }

  @Override
  protected void stopInternal() throws LifecycleException {
    setState(LifecycleState.STOPPING);
    // Sessions live on in the cluster: drop the local copies without expiring them.
    sessions.clear();
    if (ownsNode && node != null) {
      ClusterNodes.release(node);
    }
    node = null;
    super.stopInternal();
  }

  /** The default host of the engine is scope "" so that Jetty's and Tomcat's keys agree. */
  private static String hostScope(Context context) {
    if (context.getParent() instanceof Host host && host.getParent() instanceof Engine engine
        && !host.getName().equalsIgnoreCase(engine.getDefaultHost())) {
      return host.getName();
    }
    return null;
  }

  /** The session's cache key, made once per id rather than on every request. */
  private byte[] keyOf(BatonSession s) {
    String id = s.getIdInternal();
    byte[] k = s.key;
    if (k == null || !id.equals(s.keyId)) {
      k = store.key(id);
      s.key = k;
      s.keyId = id;
    }
    return k;
  }

  @Override
  public Session createEmptySession() {
    return new BatonSession(this);
  }

  /**
   * The session with this id: the local copy if it is current, otherwise the cluster's (pulled from
   * its owners if this node does not hold it). Null if it does not exist or was invalidated.
   */
  @Override
  public Session findSession(String id) {
    if (id == null) {
      return null;
    }
    BatonSession local = (BatonSession) sessions.get(id);
    StateEntry entry = local != null ? node.get(keyOf(local)) : node.getOrPull(store.key(id));
    if (local != null) {
      if (entry == null) {
        if (local.baseEntry != null && node.getOrPull(keyOf(local)) == null) {
          local.dropLocally(); // invalidated or expired on another node
          return null;
        }
        return local; // new here, not replicated yet
      }
      // The table never copies values: the same array is the same record, whatever its version (a
      // copy merged into this node's own write keeps that write's version, with another value).
      if (local.baseEntry != null && entry.value() == local.baseEntry.value()) {
        return local;
      }
      if (local.baseEntry == null && local.hasChanges()) {
        return local;
      }
      if (entry.origin() == node.nodeId()) {
        // Written from this very object by a concurrent request of the session that has not yet
        // recorded it as its base: nothing newer to load.
        return local;
      }
      // Another node wrote a newer version (a non-sticky balancer, or a failover and back).
      return restore(local, id, entry);
    }
    return entry == null ? null : restore(null, id, entry);
  }

  private BatonSession restore(BatonSession into, String id, StateEntry entry) {
    SessionRecord record = store.decode(entry);
    if (record == null) {
      return into;
    }
    BatonSession s = into != null ? into : (BatonSession) createEmptySession();
    TomcatRecords.restore(s, into == null ? id : null, record, entry, store, loader());
    return s;
  }

  private ClassLoader loader() {
    return getContext().getLoader() != null ? getContext().getLoader().getClassLoader()
        : Thread.currentThread().getContextClassLoader();
  }

  /** The last request of {@code s} on this node ended. */
  void unused(BatonSession s) {
    if (maxIdleSwap == 0) {
      swapOut(s);
    }
  }

  /** Expires sessions as usual, then swaps out those unused for {@code maxIdleSwap} seconds. */
  @Override
  public void processExpires() {
    super.processExpires();
    if (maxIdleSwap > 0) {
      for (Session session : findSessions()) {
        if (session instanceof BatonSession s && s.getIdleTimeInternal() >= maxIdleSwap * 1000L) {
          swapOut(s);
        }
      }
    }
  }

  /**
   * Drops the deserialized attributes of {@code s} if its record in the cluster cache holds them all
   * as they are: nothing changed since it was written (an attribute that could not be serialized
   * stays marked changed: toRecord notes it again).
   */
  private void swapOut(BatonSession s) {
    synchronized (s) {
      if (!s.isSwappedOut() && s.validInternal() && s.baseEntry != null && s.unchangedSinceFlush()) {
        s.swapOut();
      }
    }
  }

  /** Deserializes the attributes of a swapped-out session again. */
  void swapIn(BatonSession s) {
    synchronized (s) {
      if (!s.isSwappedOut()) {
        return;
      }
      SessionRecord record = store.decode(s.baseEntry);
      if (record != null) {
        TomcatRecords.loadAttributes(s, record, store, loader());
        s.madeIfMerged = null; // the session now matches its entry
      }
      s.swappedIn();
      s.activate(); // sessionDidActivate, as after Tomcat's own swap-in
    }
  }

  /**
   * Replicates what the request changed in {@code s}, or only refreshes its last access. Called by
   * {@link BatonValve} when the request is done, before the response completes; in sync mode it
   * returns once the session's owners have the change.
   */
  void requestCompleted(BatonSession s, Request request) {
    if (!s.validInternal() || s.getIdInternal() == null) {
      return;
    }
    // Group commit: this request's changes are made; any flush that starts from now on reads them.
    long ticket = s.finished.incrementAndGet();
    Write write;
    synchronized (s) {
      if (s.flushedUpTo >= ticket) {
        write = s.lastWrite.get(); // a flush that began after this request finished covered it
      } else {
        long upTo = s.finished.get();
        write = flush(s, request);
        s.flushedUpTo = upTo;
        s.lastWrite.set(write);
      }
    }
    // Outside the session's lock: concurrent requests of one session each wait for the acks of the
    // flush that carried their changes.
    if (write != null) {
      write.awaitReplicated();
      // Acknowledged: later requests need not wait for it, and the session need not keep its replies.
      s.lastWrite.compareAndSet(write, null);
    }
  }

  /** Replicates what changed since the last flush; null if only the access time moved. Holds the session lock. */
  private Write flush(BatonSession s, Request request) {
    StateEntry baseEntry = s.baseEntry;
    SessionRecord before = store.before(baseEntry, s.madeIfMerged);
    SessionRecord after = TomcatRecords.toRecord(s, before, request, store, dirtyPolicy, node.settings().nodeName());
    SessionStore.Written written = store.write(keyOf(s), baseEntry, before, after, after.maxIdleMillis());
    if (written == null) {
      return null;
    }
    Write write = written.write();
    s.baseEntry = write.entry();
    s.madeIfMerged = written.madeIfMerged();
    s.baseLastNode = after.lastNode();
    s.boundTls = after.tls();
    return write;
  }

  /** A login rotated the session id: the record moves to the new key, the old key is deleted. */
  @Override
  protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
      boolean notifyContainerListeners) {
    String oldId = session.getIdInternal();
    super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
    // A FORM login in progress expects the session back under the id the login form was sent with:
    // when the id moves to this node's route, so does what the login expects.
    if (oldId != null && oldId.equals(session.getNote(Constants.SESSION_ID_NOTE))) {
      session.setNote(Constants.SESSION_ID_NOTE, newId);
    }
    if (oldId != null && !StateKey.stripRoute(oldId).equals(StateKey.stripRoute(newId))
        && session instanceof BatonSession s) {
      store.delete(oldId);
      s.baseEntry = null;
      s.madeIfMerged = null;
    }
  }

  /** Nothing to load: sessions live in the cluster, not in a file. */
  @Override
  public void load() {
  }

  /** Nothing to save: sessions live in the cluster, not in a file. */
  @Override
  public void unload() {
  }

  /** The session ended here (invalidated or timed out): delete it cluster-wide. */
  void ended(String id) {
    if (node != null) {
      store.delete(id);
    }
  }

  /** What this node's cluster cache holds for the session (live, or a tombstone), or null. */
  StateEntry clusterEntry(BatonSession s) {
    return node == null ? null : node.getAny(keyOf(s));
  }

  /** Whether this node fires the time-out listeners of {@code s} ({@link SessionStore#firesExpiry}). */
  boolean firesExpiryOf(BatonSession s) {
    return store.firesExpiry(s.baseLastNode);
  }
}
