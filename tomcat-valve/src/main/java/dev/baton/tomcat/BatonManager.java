package dev.baton.tomcat;

import dev.baton.cluster.ClusterConfigException;
import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.SessionWriter;
import dev.baton.codec.AllowListFilter;
import dev.baton.codec.AttributeException;
import dev.baton.codec.AttributeSerializer;
import dev.baton.codec.CodecLimits;
import dev.baton.codec.MalformedMessageException;
import dev.baton.codec.SessionRecordCodec;
import dev.baton.state.AuthInfo;
import dev.baton.state.SessionRecord;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.TlsIdentity;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Session;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.session.ManagerBase;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * Tomcat session manager that keeps sessions in the Baton cluster.
 *
 * <ul>
 *   <li>A session is a {@link SessionRecord} in the cluster cache, keyed by host, context path and
 *       the session id without its {@code jvmRoute}; every node of the cluster can load it
 *       ({@link #findSession}), pulling it from its owners if needed.</li>
 *   <li>At the end of each request ({@link BatonValve}) what the request changed is replicated: the
 *       attributes set or removed, plus mutable attributes that were read ({@link DirtyPolicy}); as a
 *       delta against the version this node holds. A request that changed nothing only refreshes the
 *       last access time (batched).</li>
 *   <li>The login (principal, roles, auth type) travels with the session, so the user stays logged
 *       in on another node; a login that rotates the session id moves the record to the new id.</li>
 *   <li>An invalidated or expired session is deleted cluster-wide (a tombstone) and never comes back.
 *       A time-out is decided against the latest access on any node; its listeners fire on one
 *       node only: the one that served it last, or, if that node is gone, the first member.</li>
 *   <li>With {@link #setMaxIdleSwap maxIdleSwap} set, a session nobody uses keeps its attributes only
 *       as the serialized record the cluster cache holds anyway, as Tomcat's
 *       {@code PersistentManager} swaps idle sessions out, but without a store to read back.</li>
 * </ul>
 *
 * <p>Usually created by {@link BatonCluster} for each {@code <distributable/>} application. It can
 * also stand alone as {@code <Manager className="dev.baton.tomcat.BatonManager" .../>} in a
 * {@code context.xml}, with the cluster settings as attributes.
 */
public class BatonManager extends ManagerBase {

  private static final Log LOG = LogFactory.getLog(BatonManager.class);

  private final Map<String, String> ownSettings = new LinkedHashMap<>();
  private BatonCluster cluster;
  private ClusterNode node;
  private boolean ownsNode;
  private String scopeHost;
  private SessionRecordCodec codec;
  private SessionWriter writer;
  private AttributeSerializer serializer;
  private DirtyPolicy dirtyPolicy = DirtyPolicy.ACCESSED;
  private int maxIdleSwap = -1;
  private List<String> allowList = List.of();
  private final AtomicLong lastWarning = new AtomicLong();

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

  /** Any cluster setting (see {@link ClusterSettings}), when this manager is used standalone. */
  public boolean setProperty(String name, String value) {
    switch (name) {
      case "dirtyPolicy" -> setDirtyPolicy(value);
      case "attributeAllowList" -> setAttributeAllowList(value);
      case "maxIdleSwap" -> setMaxIdleSwap(value);
      default -> ownSettings.put(name, value);
    }
    return true;
  }

  /** {@code accessed} (default) or {@code set_only}; see {@link DirtyPolicy}. */
  public void setDirtyPolicy(String policy) {
    try {
      this.dirtyPolicy = DirtyPolicy.valueOf(policy.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new ClusterConfigException("dirtyPolicy", "'" + policy + "' is not a choice", "use accessed or set_only");
    }
  }

  /**
   * Seconds a session must go unused on this node (no request in progress) before it drops its
   * deserialized attributes and keeps only its record in the cluster cache; the next request or
   * attribute call deserializes them again. {@code 0}: as soon as its last request ends (the least
   * heap: one serialized copy per session per node); {@code -1} (default): never. As with Tomcat's
   * {@code PersistentManager}, attributes that implement {@code HttpSessionActivationListener} are
   * told ({@code sessionWillPassivate}, {@code sessionDidActivate}), and an attribute read after a
   * swap is a deserialized copy, not the object the application stored. A session whose attributes
   * are not all in the cluster cache (one that cannot be serialized) is never swapped out. With
   * {@code dirtyPolicy="set_only"}, an attribute changed in place without {@code setAttribute} is
   * back to its last set value after a swap, as on another node.
   */
  public void setMaxIdleSwap(String seconds) {
    int v;
    try {
      v = Integer.parseInt(seconds.trim());
    } catch (NumberFormatException e) {
      v = Integer.MIN_VALUE;
    }
    if (v < -1) {
      throw new ClusterConfigException("maxIdleSwap", "'" + seconds + "' is not a number of seconds",
          "use -1 (never swap out), 0 (as soon as the last request of a session ends) or a positive number of seconds");
    }
    this.maxIdleSwap = v;
  }

  /** Whether sessions are ever swapped out ({@link #setMaxIdleSwap}). */
  boolean swapsOut() {
    return maxIdleSwap >= 0;
  }

  /**
   * Extra classes session attributes may hold, comma-separated patterns such as
   * {@code com.shop.*,com.shop.model.**}, added to the JDK value types allowed by default.
   */
  public void setAttributeAllowList(String patterns) {
    List<String> list = new ArrayList<>();
    for (String p : patterns.split(",")) {
      if (!p.isBlank()) {
        list.add(p.trim());
      }
    }
    this.allowList = List.copyOf(list);
  }

  DirtyPolicy dirtyPolicy() {
    return dirtyPolicy;
  }

  ClusterNode node() {
    return node;
  }

  @Override
  protected void startInternal() throws LifecycleException {
    super.startInternal();
    Context context = getContext();
    if (cluster == null && context.getCluster() instanceof BatonCluster c) {
      cluster = c;
    }
    try {
      if (cluster != null) {
        node = cluster.node();
        if (dirtyPolicy == DirtyPolicy.ACCESSED && cluster.dirtyPolicy() != null) {
          setDirtyPolicy(cluster.dirtyPolicy());
        }
        if (allowList.isEmpty() && cluster.attributeAllowList() != null) {
          setAttributeAllowList(cluster.attributeAllowList());
        }
        if (maxIdleSwap == -1 && cluster.maxIdleSwap() != null) {
          setMaxIdleSwap(cluster.maxIdleSwap());
        }
      } else {
        Map<String, String> settings = new LinkedHashMap<>(ownSettings);
        String route = jvmRoute();
        if (route != null) {
          settings.putIfAbsent("nodeName", route);
        }
        node = ClusterNodes.acquire(ClusterSettings.from(settings));
        ownsNode = true;
      }
    } catch (ClusterConfigException e) {
      throw new LifecycleException(e.getMessage(), e);
    } catch (Exception e) {
      throw new LifecycleException("Baton could not join its cluster: " + e.getMessage(), e);
    }
    serializer = new AttributeSerializer(AllowListFilter.defaultsPlus(allowList));
    codec = new SessionRecordCodec(CodecLimits.DEFAULT);
    writer = new SessionWriter(node, codec);
    scopeHost = hostScope(context);
    boolean hasValve = false;
    for (Valve v : context.getPipeline().getValves()) {
      hasValve |= v instanceof BatonValve;
    }
    if (!hasValve) {
      context.getPipeline().addValve(new BatonValve());
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

  private String jvmRoute() {
    return getEngine() == null ? null : getEngine().getJvmRoute();
  }

  byte[] keyOf(String sessionId) {
    return StateKey.httpSession(scopeHost, getContext().getPath(), sessionId).toBytes();
  }

  /** The session's cache key, made once per id rather than on every request. */
  private byte[] keyOf(BatonSession s) {
    String id = s.getIdInternal();
    byte[] k = s.key;
    if (k == null || !id.equals(s.keyId)) {
      k = keyOf(id);
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
    StateEntry entry = local != null ? node.get(keyOf(local)) : node.getOrPull(keyOf(id));
    if (local != null) {
      if (entry == null) {
        if (local.baseEntry != null && node.getOrPull(keyOf(local)) == null) {
          local.dropLocally(); // invalidated or expired on another node
          return null;
        }
        return local; // new here, not replicated yet
      }
      if (local.baseEntry != null && entry.version() == local.baseEntry.version()
          && entry.origin() == local.baseEntry.origin()) {
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
    SessionRecord record;
    try {
      record = codec.decode(entry.value());
    } catch (MalformedMessageException e) {
      warn("session " + abbreviate(id) + " in the cluster cache is unreadable and was ignored: " + e.getMessage());
      return into;
    }
    BatonSession s = into != null ? into : (BatonSession) createEmptySession();
    synchronized (s) {
      loadAttributes(s, record);
      s.swappedIn();
    }
    s.setValid(true);
    s.setNew(false);
    if (into == null) {
      s.setCreationTime(record.createdMillis());
      s.setMaxInactiveInterval(record.maxInactiveSeconds());
      s.setId(id, false);
      s.activate();
    } else {
      s.setMaxInactiveInterval(record.maxInactiveSeconds());
    }
    // Accesses on other nodes travel as touches of the cache entry, not as new records.
    s.restoreTimes(Math.max(record.accessedMillis(), entry.lastAccessMillis()), record.lastAccessedMillis());
    AuthInfo auth = record.auth();
    if (auth != null) {
      s.setPrincipal(new GenericPrincipal(auth.name(), auth.roles()));
      s.setAuthType(auth.authType());
    } else {
      s.setPrincipal(null);
      s.setAuthType(null);
    }
    s.takeDirty();
    s.takeAccessed();
    s.baseEntry = entry;
    s.baseLastNode = record.lastNode();
    s.boundTls = record.tls();
    return s;
  }

  /** Replaces the attributes of {@code s} with those of {@code record}, firing no listener. Holds the session lock. */
  private void loadAttributes(BatonSession s, SessionRecord record) {
    s.clearRestoredAttributes();
    s.unreadable = null;
    ClassLoader loader = getContext().getLoader() != null ? getContext().getLoader().getClassLoader()
        : Thread.currentThread().getContextClassLoader();
    for (Map.Entry<String, byte[]> a : record.attributes().entrySet()) {
      try {
        s.restoreAttribute(a.getKey(), serializer.deserialize(a.getKey(), a.getValue(), loader));
      } catch (AttributeException e) {
        // Kept as bytes: written back untouched, readable by a node that has the class or the pattern.
        if (s.unreadable == null) {
          s.unreadable = new ConcurrentHashMap<>();
        }
        s.unreadable.put(a.getKey(), a.getValue());
        warn(e.getMessage());
      }
    }
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
      SessionRecord record = writer.recordOf(s.baseEntry);
      if (record != null) {
        loadAttributes(s, record);
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
    ClusterNode.Write write;
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
  private ClusterNode.Write flush(BatonSession s, Request request) {
    StateEntry baseEntry = s.baseEntry;
    SessionRecord before = writer.recordOf(baseEntry);
    SessionRecord after = toRecord(s, before, request);
    ClusterNode.Write write = writer.write(keyOf(s), baseEntry, before, after, after.maxIdleMillis());
    if (write == null) {
      return null;
    }
    s.baseEntry = write.entry();
    s.baseLastNode = after.lastNode();
    s.boundTls = after.tls();
    return write;
  }

  private SessionRecord toRecord(BatonSession s, SessionRecord before, Request request) {
    SessionRecord r = new SessionRecord(StateKey.stripRoute(s.getIdInternal()), s.getCreationTimeInternal(),
        s.getMaxInactiveInterval());
    r.accessedMillis(s.getThisAccessedTimeInternal());
    r.lastAccessedMillis(s.getLastAccessedTimeInternal());
    r.lastNode(node.settings().nodeName());
    Principal p = s.getPrincipal();
    if (p != null) {
      List<String> roles = p instanceof GenericPrincipal gp ? Arrays.asList(gp.getRoles()) : List.of();
      r.auth(new AuthInfo(p.getName(), Objects.requireNonNullElse(s.getAuthType(), "UNKNOWN"), roles));
    }
    r.tls(tlsIdentity(request, before));
    // Taken before the attributes are read: a change made from now on is noted for the next flush.
    Set<String> dirty = s.takeDirty();
    Set<String> accessed = s.takeAccessed();
    for (String name : java.util.Collections.list(s.getAttributeNames())) {
      Object value = s.rawAttribute(name);
      byte[] old = before == null ? null : before.attribute(name);
      boolean changed = old == null || dirty.contains(name)
          || (dirtyPolicy == DirtyPolicy.ACCESSED && accessed.contains(name));
      if (!changed) {
        r.attribute(name, old);
        continue;
      }
      try {
        byte[] bytes = serializer.serialize(name, value);
        // Same bytes: reuse the old array, so the delta sees no change.
        r.attribute(name, old != null && Arrays.equals(old, bytes) ? old : bytes);
      } catch (AttributeException e) {
        warn(e.getMessage());
        if (old != null) {
          r.attribute(name, old); // keep the last good copy rather than lose the attribute
        }
        // Tried again at the next flush; until then the record lacks this value, so the session
        // is not swapped out.
        s.retryAtNextFlush(name);
      }
    }
    Map<String, byte[]> unreadable = s.unreadable;
    if (unreadable != null) {
      unreadable.forEach(r::attribute);
    }
    return r;
  }

  /**
   * The TLS identity bound to the session: that of the first TLS connection the session was used
   * on, kept for the session's life so another node can compare a later connection with it.
   */
  private static TlsIdentity tlsIdentity(Request request, SessionRecord before) {
    if (before != null && before.tls() != null) {
      return before.tls();
    }
    if (request == null || !request.isSecure()) {
      return null;
    }
    Object cipher = request.getAttribute("jakarta.servlet.request.cipher_suite");
    // Tomcat's OpenSSL implementation reports e.g. "TLSv1.3:TLS"; JSSE "TLSv1.3".
    Object protocol = request.getAttribute("jakarta.servlet.request.secure_protocol");
    if (protocol == null) {
      protocol = request.getAttribute("org.apache.tomcat.util.net.secure_protocol_version");
    }
    if (protocol instanceof String p && p.indexOf(':') > 0) {
      protocol = p.substring(0, p.indexOf(':'));
    }
    Object certs = request.getAttribute("jakarta.servlet.request.X509Certificate");
    String peer = certs instanceof X509Certificate[] c && c.length > 0 ? c[0].getSubjectX500Principal().getName() : null;
    if (cipher == null && protocol == null && peer == null) {
      return null;
    }
    return new TlsIdentity(protocol == null ? null : protocol.toString(), cipher == null ? null : cipher.toString(), peer);
  }

  /** A login rotated the session id: the record moves to the new key, the old key is deleted. */
  @Override
  protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
      boolean notifyContainerListeners) {
    String oldId = session.getIdInternal();
    super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
    if (oldId != null && !StateKey.stripRoute(oldId).equals(StateKey.stripRoute(newId))
        && session instanceof BatonSession s) {
      node.remove(keyOf(oldId));
      s.baseEntry = null;
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
      node.remove(keyOf(id));
    }
  }

  /** What this node's cluster cache holds for the session (live, or a tombstone), or null. */
  StateEntry clusterEntry(BatonSession s) {
    return node == null ? null : node.getAny(keyOf(s));
  }

  /** Time-out listeners fire on the node that served the session last, or on the first member if it is gone. */
  boolean firesExpiryOf(BatonSession s) {
    String last = s.baseLastNode;
    String me = node.settings().nodeName();
    if (last == null || last.equals(me)) {
      return true;
    }
    List<String> members = node.memberNames();
    return !members.contains(last) && !members.isEmpty() && members.get(0).equals(me);
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last > 10_000 && lastWarning.compareAndSet(last, now)) {
      LOG.warn("[" + getContext().getName() + "] " + message);
    }
  }

  private static String abbreviate(String id) {
    return id.length() <= 6 ? id : id.substring(0, 6) + "…";
  }
}
