package dev.baton.jetty;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.Write;
import dev.baton.cluster.WriteMode;
import dev.baton.session.AllowListFilter;
import dev.baton.session.AttributeSerializer;
import dev.baton.session.SessionRecord;
import dev.baton.session.SessionStore;
import dev.baton.session.SessionValues;
import dev.baton.session.TlsIdentity;
import dev.baton.state.StateEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;

/**
 * A Jetty {@code SessionDataStore} that keeps sessions in the Baton cluster, through the
 * container-neutral {@link SessionStore}: the same {@link SessionRecord} the Tomcat adapter
 * writes, so a session can move between Jetty and Tomcat nodes of one cluster.
 *
 * <ul>
 *   <li>Attributes are deserialized only in {@link #doLoad} — on the request thread, inside
 *       {@code SessionContext.run}, with the web application's class loader — never on a cluster
 *       thread, through the allow-list. One that cannot be read is kept as bytes and written back
 *       untouched, never dropped.</li>
 *   <li>{@code lastSaved} is stored, so a load does not force a write.</li>
 *   <li>The login travels as the shared {@link dev.baton.session.LoginRecord} (user, roles, method),
 *       so a user logged in on a Tomcat node is logged in on a Jetty node too ({@link JettyLogins}).</li>
 *   <li>{@link #delete} leaves a tombstone: a deleted session does not come back.</li>
 *   <li>Expiry is decided once, cluster-wide ({@link SessionStore#firesExpiry}). Cache entries
 *       outlive the session timeout by two grace periods so that the scavenger finds them.</li>
 * </ul>
 */
public class BatonSessionDataStore extends AbstractSessionDataStore {

  /** Classes Jetty itself keeps in sessions (FORM login's saved request), always admitted. */
  static final List<String> JETTY_SESSION_CLASSES = List.of("org.eclipse.jetty.http.HttpURI$Immutable",
      "org.eclipse.jetty.util.MultiMap");

  /** The node's settings for a worker name (the default node name), known once Jetty initialised us. */
  private final Function<String, ClusterSettings> settings;
  private final List<String> allowList;
  private final Map<String, Map<String, byte[]>> unreadable = new ConcurrentHashMap<>();
  /**
   * The entry this node last loaded or wrote per session: the base of its next write (a real change
   * or a re-save). Entries, not decoded records: those would copy the attribute bytes the cache holds.
   * When the entry written merged in changes made elsewhere, also the record this node made, which
   * is what Jetty's session holds and what the next write is made from.
   */
  private final Map<String, Base> bases = Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Base> eldest) {
          return size() > 100_000;
        }
      });
  private ClusterNode node;
  private SessionStore store;
  private String host;
  private String contextPath;

  /**
   * @param settings the cluster settings for this node, given Jetty's worker name
   *     ({@code jetty.sessionIdManager.workerName}), the default node name
   */
  public BatonSessionDataStore(Function<String, ClusterSettings> settings, List<String> attributeAllowList) {
    this.settings = settings;
    List<String> allow = new ArrayList<>(JETTY_SESSION_CLASSES);
    allow.addAll(attributeAllowList);
    AllowListFilter.checkPatterns(allow); // a bad pattern fails at configuration, not at the first request
    this.allowList = List.copyOf(allow);
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
    store = new SessionStore(node, host, contextPath, new AttributeSerializer(
        AllowListFilter.defaultsPlus(allowList, node.settings().attributeMaxBytes())));
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

  @Override
  public boolean isPassivating() {
    return true;
  }

  @Override
  public boolean doExists(String id) {
    return node.getOrPull(store.key(id)) != null;
  }

  @Override
  public SessionData doLoad(String id) throws Exception {
    StateEntry e = node.getOrPull(store.key(id));
    if (e == null) {
      return null;
    }
    SessionRecord r = store.decode(e);
    if (r == null) {
      throw new UnreadableSessionDataException(id, _context, new IllegalStateException("unreadable session record"));
    }
    long accessed = SessionStore.lastAccess(r, e);
    SessionData d = newSessionData(id, r.createdMillis(), accessed, r.lastAccessedMillis(),
        r.maxInactiveSeconds() <= 0 ? -1 : r.maxInactiveSeconds() * 1000L);
    d.setLastNode(r.lastNode());
    d.setLastSaved(r.lastSavedMillis());
    d.calcAndSetExpiry(accessed);
    bases.put(id, new Base(e, null));
    SessionStore.Attributes a = store.readAttributes(r, new ServerFallbackClassLoader(
        Thread.currentThread().getContextClassLoader(), BatonSessionDataStore.class.getClassLoader()));
    Map<String, Object> attrs = new LinkedHashMap<>(a.values());
    if (r.auth() != null) {
      attrs.put(JettyLogins.ATTRIBUTE, JettyLogins.fromLoginRecord(r.auth()));
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
    if (a.unreadable().isEmpty()) {
      unreadable.remove(id);
    } else {
      unreadable.put(id, a.unreadable());
    }
    return d;
  }

  @Override
  public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
    Base held = bases.get(id);
    StateEntry baseEntry = held == null ? null : held.entry();
    SessionRecord base = held == null ? null : store.before(baseEntry, held.madeIfMerged());
    SessionRecord r = toRecord(id, data, base);
    // Kept past the timeout (two grace periods, at least a minute) so the scavenger finds it.
    long maxInactiveMs = data.getMaxInactiveMs();
    long idle = maxInactiveMs <= 0 ? 0 : maxInactiveMs + Math.max(60_000L, 2000L * getGracePeriodSec());
    // Jetty saves again when the request releases the session: a copy of what this node already
    // wrote is only a touch, never a new version that could overwrite a later write elsewhere.
    SessionStore.Written written = store.write(store.key(id), baseEntry, base, r, idle);
    if (written == null) {
      return;
    }
    Write write = written.write();
    bases.put(id, new Base(write.entry(), written.madeIfMerged()));
    if (node.settings().writeMode() == WriteMode.SYNC && !AckBeforeResponse.defer(write)) {
      write.awaitReplicated();
    }
  }

  /** Jetty's session data as the shared record; the TLS identity bound once, on its first TLS request. */
  private SessionRecord toRecord(String id, SessionData data, SessionRecord base) {
    long maxInactiveMs = data.getMaxInactiveMs();
    SessionRecord r = new SessionRecord(id, data.getCreated(), maxInactiveMs <= 0 ? -1 : (int) (maxInactiveMs / 1000));
    r.accessedMillis(data.getAccessed());
    r.lastAccessedMillis(data.getLastAccessed());
    r.lastNode(node.settings().nodeName());
    r.lastSavedMillis(data.getLastSaved());
    for (String name : data.getKeys()) {
      if (JettyLogins.ATTRIBUTE.equals(name)) {
        r.auth(JettyLogins.toLoginRecord(data.getAttribute(name)));
      } else if (!TlsIdentity.SESSION_ATTRIBUTE.equals(name)) { // shown to the application; the record carries it
        byte[] bytes = store.serialize(name, data.getAttribute(name), base == null ? null : base.attribute(name));
        if (bytes != null) {
          r.attribute(name, bytes);
        }
      }
    }
    unreadable.getOrDefault(id, Map.of()).forEach((name, bytes) -> {
      if (r.attribute(name) == null && data.getAttribute(name) == null) {
        r.attribute(name, bytes);
      }
    });
    TlsIdentity tls = TlsIdentity.bind(base, TlsIdentityCapture::current);
    r.tls(tls);
    if (tls != null && data.getAttribute(TlsIdentity.SESSION_ATTRIBUTE) == null) {
      data.putAllAttributes(Map.of(TlsIdentity.SESSION_ATTRIBUTE, tls.describe()));
    }
    return r;
  }

  @Override
  public boolean delete(String id) {
    unreadable.remove(id);
    bases.remove(id);
    store.delete(id);
    return true;
  }

  @Override
  public Set<String> doCheckExpired(Set<String> candidates, long time) {
    Set<String> expired = new HashSet<>();
    for (String id : candidates) {
      StateEntry e = node.getAny(store.key(id));
      if (e == null || e.isTombstone()) {
        expired.add(id);
        continue;
      }
      SessionRecord r = store.decode(e);
      if (r != null && SessionStore.expiredAt(r, e, time) && store.firesExpiry(r.lastNode())) {
        expired.add(id);
      }
    }
    return expired;
  }

  @Override
  public Set<String> doGetExpired(long before) {
    Set<String> expired = new HashSet<>();
    store.forEachLive((r, e) -> {
      if (SessionStore.expiredAt(r, e, before) && store.firesExpiry(r.lastNode())) {
        expired.add(r.id());
      }
    });
    return expired;
  }

  @Override
  public void doCleanOrphans(long time) {
    store.forEachLiveOfAnyApplication((r, e) -> {
      if (SessionStore.expiredAt(r, e, time)) {
        node.remove(e.key());
      }
    });
  }

  @Override
  public String toString() {
    return String.format("%s@%x[node=%s]", getClass().getSimpleName(), hashCode(),
        node == null ? "-" : node.settings().nodeName());
  }

  /** A session's base: the entry last loaded or written, and the record this node made if that entry merged more in. */
  private record Base(StateEntry entry, byte[] madeIfMerged) {}
}
