package dev.baton.jetty;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.SessionWriter;
import dev.baton.cluster.WriteMode;
import dev.baton.codec.AllowListFilter;
import dev.baton.codec.AttributeException;
import dev.baton.codec.AttributeSerializer;
import dev.baton.codec.CodecLimits;
import dev.baton.codec.MalformedMessageException;
import dev.baton.codec.SessionRecordCodec;
import dev.baton.state.SessionRecord;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.SessionValues;
import dev.baton.state.StateKind;
import dev.baton.state.TlsIdentity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty {@code SessionDataStore} that keeps sessions in the Baton cluster, as the same
 * {@link SessionRecord} the Tomcat adapter writes, so a session can move between Jetty and Tomcat
 * nodes of one cluster.
 *
 * <ul>
 *   <li>Attributes are deserialized only in {@link #doLoad} — on the request thread, inside
 *       {@code SessionContext.run}, with the web application's class loader — never on a cluster
 *       thread, through the allow-list. One that cannot be read is kept as bytes and written back
 *       untouched, never dropped.</li>
 *   <li>{@code lastSaved} is stored, so a load does not force a write.</li>
 *   <li>The login travels as the shared {@link dev.baton.state.AuthInfo} (user, roles, method), so a
 *       user logged in on a Tomcat node is logged in on a Jetty node too ({@link JettyLogins}).</li>
 *   <li>{@link #delete} leaves a tombstone: a deleted session does not come back.</li>
 *   <li>Expiry is decided once, cluster-wide: a session is reported expired by the node that
 *       served it last ({@code lastNode}), or, if that node is gone, by the first member. Cache
 *       entries outlive the session timeout by two grace periods so that the scavenger finds
 *       them.</li>
 * </ul>
 */
public class BatonSessionDataStore extends AbstractSessionDataStore {

  private static final Logger LOG = LoggerFactory.getLogger(BatonSessionDataStore.class);

  /** The node's settings for a worker name (the default node name), known once Jetty initialised us. */
  private final Function<String, ClusterSettings> settings;
  private final AttributeSerializer serializer;
  private final SessionRecordCodec codec = new SessionRecordCodec(CodecLimits.DEFAULT);
  private final Map<String, Map<String, byte[]>> unreadable = new ConcurrentHashMap<>();
  /**
   * The entry this node last loaded or wrote per session: the base of its next write (a real change
   * or a re-save, see {@link SessionWriter}). Entries, not decoded records: those would copy the
   * attribute bytes the cache holds.
   */
  private final Map<String, StateEntry> bases = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StateEntry> eldest) {
          return size() > 100_000;
        }
      });
  private final AtomicLong lastWarning = new AtomicLong();
  private ClusterNode node;
  private SessionWriter writer;
  private String host;
  private String contextPath;

  /** Classes Jetty itself keeps in sessions (FORM login's saved request), always admitted. */
  static final List<String> JETTY_SESSION_CLASSES = List.of("org.eclipse.jetty.http.HttpURI$Immutable",
      "org.eclipse.jetty.util.MultiMap");

  /**
   * @param settings the cluster settings for this node, given Jetty's worker name
   *     ({@code jetty.sessionIdManager.workerName}), the default node name
   */
  public BatonSessionDataStore(Function<String, ClusterSettings> settings, List<String> attributeAllowList) {
    this.settings = settings;
    List<String> allow = new java.util.ArrayList<>(JETTY_SESSION_CLASSES);
    allow.addAll(attributeAllowList);
    this.serializer = new AttributeSerializer(AllowListFilter.defaultsPlus(allow));
  }

  @Override
  public void initialize(SessionContext context) throws Exception {
    super.initialize(context);
    String vhost = context.getVhost();
    host = vhost == null || SessionContext.NULL_VHOST.equals(vhost) ? null : vhost;
    contextPath = context.getContext() == null ? context.getCanonicalContextPath() : context.getContext().getContextPath();
  }

  @Override
  protected void doStart() throws Exception {
    // The worker name is known only now: the SessionHandler had no SessionIdManager when the factory ran.
    node = ClusterNodes.acquire(settings.apply(_context == null ? null : _context.getWorkerName()));
    writer = new SessionWriter(node, codec);
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    if (node != null) {
      ClusterNodes.release(node);
      node = null;
    }
  }

  private byte[] key(String id) {
    return StateKey.httpSession(host, contextPath, id).toBytes();
  }

  @Override
  public boolean isPassivating() {
    return true;
  }

  @Override
  public boolean doExists(String id) {
    return node.getOrPull(key(id)) != null;
  }

  @Override
  public SessionData doLoad(String id) throws Exception {
    StateEntry e = node.getOrPull(key(id));
    if (e == null) {
      return null;
    }
    SessionRecord r;
    try {
      r = codec.decode(e.value());
    } catch (MalformedMessageException ex) {
      throw new UnreadableSessionDataException(id, _context, ex);
    }
    // Accesses on other nodes travel as touches of the cache entry, not as new records.
    long accessed = Math.max(r.accessedMillis(), e.lastAccessMillis());
    SessionData d = newSessionData(id, r.createdMillis(), accessed, r.lastAccessedMillis(),
        r.maxInactiveSeconds() <= 0 ? -1 : r.maxInactiveSeconds() * 1000L);
    d.setLastNode(r.lastNode());
    d.setLastSaved(r.lastSavedMillis());
    d.calcAndSetExpiry(accessed);
    bases.put(id, e);
    ClassLoader loader = new ServerFallbackClassLoader(Thread.currentThread().getContextClassLoader(),
        BatonSessionDataStore.class.getClassLoader());
    Map<String, Object> attrs = new HashMap<>();
    Map<String, byte[]> kept = new HashMap<>();
    for (Map.Entry<String, byte[]> a : r.attributes().entrySet()) {
      try {
        attrs.put(a.getKey(), serializer.deserialize(a.getKey(), a.getValue(), loader));
      } catch (AttributeException ex) {
        kept.put(a.getKey(), a.getValue());
        warn(ex.getMessage());
      }
    }
    if (r.auth() != null) {
      attrs.put(JettyLogins.ATTRIBUTE, JettyLogins.fromAuthInfo(r.auth()));
    }
    if (r.tls() != null) {
      attrs.put(TlsIdentity.SESSION_ATTRIBUTE, r.tls().describe());
    }
    d.putAllAttributes(attrs);
    if (attrs.values().stream().anyMatch(v -> !SessionValues.isImmutable(v))) {
      // A mutable attribute may be changed in place without setAttribute: have Jetty save the
      // session at response commit, before the client can reach another node; doStore writes only
      // if its bytes really changed (Baton's "accessed" dirty policy, as on Tomcat).
      d.setDirty(true);
    }
    if (kept.isEmpty()) {
      unreadable.remove(id);
    } else {
      unreadable.put(id, kept);
    }
    return d;
  }

  @Override
  public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
    long maxInactiveMs = data.getMaxInactiveMs();
    SessionRecord r = new SessionRecord(id, data.getCreated(), maxInactiveMs <= 0 ? -1 : (int) (maxInactiveMs / 1000));
    r.accessedMillis(data.getAccessed());
    r.lastAccessedMillis(data.getLastAccessed());
    r.lastNode(data.getLastNode());
    r.lastSavedMillis(data.getLastSaved());
    Map<String, byte[]> kept = unreadable.getOrDefault(id, Map.of());
    for (String name : data.getKeys()) {
      if (JettyLogins.ATTRIBUTE.equals(name)) {
        r.auth(JettyLogins.toAuthInfo(data.getAttribute(name)));
        continue;
      }
      if (TlsIdentity.SESSION_ATTRIBUTE.equals(name)) {
        continue; // shown to the application; the record's own field carries it
      }
      try {
        r.attribute(name, serializer.serialize(name, data.getAttribute(name)));
      } catch (AttributeException ex) {
        warn(ex.getMessage());
      }
    }
    kept.forEach((name, bytes) -> {
      if (r.attribute(name) == null && data.getAttribute(name) == null) {
        r.attribute(name, bytes);
      }
    });
    StateEntry baseEntry = bases.get(id);
    SessionRecord base = writer.recordOf(baseEntry);
    // Bound once: the first TLS connection the session was used on.
    TlsIdentity tls = base != null && base.tls() != null ? base.tls() : TlsIdentityCapture.current();
    r.tls(tls);
    if (tls != null && data.getAttribute(TlsIdentity.SESSION_ATTRIBUTE) == null) {
      data.putAllAttributes(Map.of(TlsIdentity.SESSION_ATTRIBUTE, tls.describe()));
    }
    // Kept past the timeout (two grace periods, at least a minute) so the scavenger finds it.
    long idle = maxInactiveMs <= 0 ? 0 : maxInactiveMs + Math.max(60_000L, 2000L * getGracePeriodSec());
    // Jetty saves again when the request releases the session: a copy of what this node already
    // wrote is only a touch, never a new version that could overwrite a later write elsewhere.
    ClusterNode.Write write = writer.write(key(id), baseEntry, base, r, idle);
    if (write == null) {
      return;
    }
    bases.put(id, write.entry());
    if (node.settings().writeMode() == WriteMode.SYNC && !AckBeforeResponse.defer(write)) {
      write.awaitReplicated();
    }
  }

  @Override
  public boolean delete(String id) {
    unreadable.remove(id);
    bases.remove(id);
    node.remove(key(id));
    return true;
  }

  @Override
  public Set<String> doCheckExpired(Set<String> candidates, long time) {
    Set<String> expired = new HashSet<>();
    for (String id : candidates) {
      StateEntry e = node.getAny(key(id));
      if (e == null || e.isTombstone()) {
        expired.add(id);
        continue;
      }
      SessionRecord r = decodeQuietly(e);
      if (r != null && expiredAt(r, e, time) && firesFor(r)) {
        expired.add(id);
      }
    }
    return expired;
  }

  @Override
  public Set<String> doGetExpired(long before) {
    Set<String> expired = new HashSet<>();
    byte[] scope = StateKey.httpSession(host, contextPath, "x").toBytes();
    int prefix = scope.length - 1;
    node.forEachLive(e -> {
      byte[] k = e.key();
      if (k.length > prefix && java.util.Arrays.equals(k, 0, prefix, scope, 0, prefix)) {
        SessionRecord r = decodeQuietly(e);
        if (r != null && expiredAt(r, e, before) && firesFor(r)) {
          expired.add(r.id());
        }
      }
    });
    return expired;
  }

  @Override
  public void doCleanOrphans(long time) {
    node.forEachLive(e -> {
      if (e.key()[0] == StateKind.HTTP_SESSION.code()) {
        SessionRecord r = decodeQuietly(e);
        if (r != null && expiredAt(r, e, time)) {
          node.remove(e.key());
        }
      }
    });
  }

  /** Expired at {@code time}, counting accesses on any node (the entry's last access). */
  private static boolean expiredAt(SessionRecord r, StateEntry e, long time) {
    long accessed = Math.max(r.accessedMillis(), e.lastAccessMillis());
    return r.maxInactiveSeconds() > 0 && accessed + r.maxInactiveSeconds() * 1000L <= time;
  }

  /** The node that served the session last expires it; if that node is gone, the first member. */
  private boolean firesFor(SessionRecord r) {
    String me = _context.getWorkerName();
    List<String> members = node.memberNames();
    if (r.lastNode() == null || r.lastNode().equals(me)) {
      return true;
    }
    return !members.contains(r.lastNode()) && !members.isEmpty() && members.get(0).equals(node.settings().nodeName());
  }

  private SessionRecord decodeQuietly(StateEntry e) {
    try {
      return codec.decode(e.value());
    } catch (MalformedMessageException ex) {
      return null;
    }
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last > 10_000 && lastWarning.compareAndSet(last, now)) {
      LOG.warn("[{}] {}", contextPath, message);
    }
  }

  @Override
  public String toString() {
    return String.format("%s@%x[node=%s]", getClass().getSimpleName(), hashCode(),
        node == null ? "-" : node.settings().nodeName());
  }
}
