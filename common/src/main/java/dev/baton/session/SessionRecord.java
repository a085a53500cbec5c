package dev.baton.session;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The container-neutral HTTP session that both adapters read and write: what Tomcat's
 * {@code StandardSession} and Jetty's {@code SessionData} have in common, plus the login and the TLS
 * identity.
 *
 * <p>Attribute values are kept serialized ({@code name -> bytes}, see
 * {@link dev.baton.session.AttributeSerializer}), so a node can store and forward a session without
 * the web application's classes, and a change to one attribute can travel as that attribute alone.
 *
 * <p><b>Merging.</b> Every part that a write can change on its own carries the {@link Stamp} of
 * its last write: each attribute, each attribute's removal, the login, the TLS identity, the
 * timeout, and the bookkeeping ({@code lastNode}, {@code lastSaved}). Two records of one session
 * {@linkplain #merge merge} part by part, the newer stamp winning, and the access times take the
 * latest; so changes of different attributes made at once on different nodes all survive, in any
 * order of arrival, and every replica ends with the same record. Concurrent writes of the same
 * attribute resolve to the newer stamp (hybrid-clock version, then node id), the same everywhere.
 *
 * <p>Not thread-safe: an adapter copies a record per request or guards it.
 */
public final class SessionRecord {

  private final String id;
  private final long createdMillis;
  private long accessedMillis;
  private long lastAccessedMillis;
  private int maxInactiveSeconds;
  private LoginRecord auth;
  private TlsIdentity tls;
  private String lastNode;
  private long lastSavedMillis;
  private final Map<String, byte[]> attributes;
  private final Map<String, Stamp> stamps;
  private final Map<String, Stamp> removed;
  private Stamp authStamp = Stamp.NONE;
  private Stamp tlsStamp = Stamp.NONE;
  private Stamp timeoutStamp = Stamp.NONE;
  private Stamp bookStamp = Stamp.NONE;

  /**
   * A new session.
   *
   * @param id the route-free session id
   * @param createdMillis creation time, epoch millis
   * @param maxInactiveSeconds idle seconds before it expires; zero or negative for never
   */
  public SessionRecord(String id, long createdMillis, int maxInactiveSeconds) {
    this(id, createdMillis, maxInactiveSeconds, new LinkedHashMap<>(), new HashMap<>(), new HashMap<>());
  }

  private SessionRecord(String id, long createdMillis, int maxInactiveSeconds, Map<String, byte[]> attributes,
      Map<String, Stamp> stamps, Map<String, Stamp> removed) {
    this.id = Objects.requireNonNull(id, "id");
    this.createdMillis = createdMillis;
    this.accessedMillis = createdMillis;
    this.lastAccessedMillis = createdMillis;
    this.maxInactiveSeconds = maxInactiveSeconds;
    this.attributes = attributes;
    this.stamps = stamps;
    this.removed = removed;
  }

  /** A deep copy (attribute arrays are shared: they are never modified in place). */
  public SessionRecord copy() {
    SessionRecord c = new SessionRecord(id, createdMillis, maxInactiveSeconds, new LinkedHashMap<>(attributes),
        new HashMap<>(stamps), new HashMap<>(removed));
    c.accessedMillis = accessedMillis;
    c.lastAccessedMillis = lastAccessedMillis;
    c.auth = auth;
    c.tls = tls;
    c.lastNode = lastNode;
    c.lastSavedMillis = lastSavedMillis;
    c.authStamp = authStamp;
    c.tlsStamp = tlsStamp;
    c.timeoutStamp = timeoutStamp;
    c.bookStamp = bookStamp;
    return c;
  }

  public String id() { return id; }
  public long createdMillis() { return createdMillis; }

  /** Start of the current (or latest) request, epoch millis. */
  public long accessedMillis() { return accessedMillis; }
  public void accessedMillis(long t) { accessedMillis = t; }

  /** Start of the request before the current one, epoch millis. */
  public long lastAccessedMillis() { return lastAccessedMillis; }
  public void lastAccessedMillis(long t) { lastAccessedMillis = t; }

  public int maxInactiveSeconds() { return maxInactiveSeconds; }
  public void maxInactiveSeconds(int s) { maxInactiveSeconds = s; }

  /** Max idle time for the cache entry: 0 (never) when the session never expires. */
  public long maxIdleMillis() {
    return maxInactiveSeconds <= 0 ? 0 : maxInactiveSeconds * 1000L;
  }

  /** The logged-in user, or null. */
  public LoginRecord auth() { return auth; }
  public void auth(LoginRecord a) { auth = a; }

  /** The TLS identity bound to the session, or null. */
  public TlsIdentity tls() { return tls; }
  public void tls(TlsIdentity t) { tls = t; }

  /** The node that last loaded or wrote the session (Jetty's {@code lastNode}), or null. */
  public String lastNode() { return lastNode; }
  public void lastNode(String n) { lastNode = n; }

  /** When the session was last saved to the cache (Jetty persists it to skip needless writes). */
  public long lastSavedMillis() { return lastSavedMillis; }
  public void lastSavedMillis(long t) { lastSavedMillis = t; }

  /** The serialized value of an attribute, or null. */
  public byte[] attribute(String name) {
    return attributes.get(name);
  }

  /** Sets an attribute's serialized value; the array must not be modified afterwards. */
  public void attribute(String name, byte[] serialized) {
    attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(serialized, "serialized"));
    removed.remove(name);
  }

  /** Removes an attribute; returns whether it was there. */
  public boolean removeAttribute(String name) {
    stamps.remove(name);
    return attributes.remove(name) != null;
  }

  // ------------------------------------------------------------------ stamps and merging

  void attribute(String name, byte[] serialized, Stamp stamp) {
    attribute(name, serialized);
    if (stamp.equals(Stamp.NONE)) {
      stamps.remove(name);
    } else {
      stamps.put(name, stamp);
    }
  }

  /** The stamp of an attribute this record holds ({@link Stamp#NONE} if unstamped). */
  Stamp stampOf(String name) {
    return stamps.getOrDefault(name, Stamp.NONE);
  }

  /** Attributes removed, with the stamp of the removal; read-only. */
  Map<String, Stamp> removals() {
    return Collections.unmodifiableMap(removed);
  }

  void removal(String name, Stamp stamp) {
    attributes.remove(name);
    stamps.remove(name);
    removed.put(name, stamp);
  }

  /** Drops the record of a removal (a change that did not make it carries none). */
  void forgetRemoval(String name) {
    removed.remove(name);
  }

  Stamp authStamp() { return authStamp; }
  void authStamp(Stamp s) { authStamp = s; }
  Stamp tlsStamp() { return tlsStamp; }
  void tlsStamp(Stamp s) { tlsStamp = s; }
  Stamp timeoutStamp() { return timeoutStamp; }
  void timeoutStamp(Stamp s) { timeoutStamp = s; }
  Stamp bookStamp() { return bookStamp; }
  void bookStamp(Stamp s) { bookStamp = s; }

  /**
   * Stamps what this record changed against {@code before} (the record it was made from; null for
   * a new one) with {@code now}: attributes set to other bytes or added, attributes removed, the
   * login, the TLS identity, the timeout; what it did not change keeps {@code before}'s stamps, and
   * {@code before}'s removals are carried on. The bookkeeping is always stamped {@code now}.
   */
  void stampChanges(SessionRecord before, Stamp now) {
    for (Map.Entry<String, byte[]> a : attributes.entrySet()) {
      String name = a.getKey();
      byte[] old = before == null ? null : before.attribute(name);
      stamps.put(name, old != null && (old == a.getValue() || Arrays.equals(old, a.getValue()))
          ? before.stampOf(name) : now);
    }
    if (before != null) {
      before.removed.forEach((name, s) -> {
        if (!attributes.containsKey(name)) {
          removed.put(name, s);
        }
      });
      for (String name : before.attributes.keySet()) {
        if (!attributes.containsKey(name)) {
          removed.put(name, now);
        }
      }
    }
    authStamp = before != null && Objects.equals(auth, before.auth) ? before.authStamp : now;
    tlsStamp = before != null && Objects.equals(tls, before.tls) ? before.tlsStamp : now;
    timeoutStamp = before != null && maxInactiveSeconds == before.maxInactiveSeconds ? before.timeoutStamp : now;
    bookStamp = now;
  }

  /**
   * {@code held} with every part of {@code incoming} that is newer (see the class comment), or
   * {@code held} itself if {@code incoming} brings nothing new. {@code incoming} may be a whole
   * record or a part of one (a {@link SessionDelta}'s): what it does not hold, it does not change.
   * Commutative, associative and idempotent on the records it produces, so replicas that merged the
   * same writes in any order hold the same record.
   */
  static SessionRecord merge(SessionRecord held, SessionRecord incoming) {
    SessionRecord r = null;
    for (Map.Entry<String, byte[]> a : incoming.attributes.entrySet()) {
      String name = a.getKey();
      Stamp s = incoming.stampOf(name);
      if (wins(held, name, s)) {
        (r = r != null ? r : held.copy()).attribute(name, a.getValue(), s);
      }
    }
    for (Map.Entry<String, Stamp> d : incoming.removed.entrySet()) {
      if (wins(held, d.getKey(), d.getValue())) {
        (r = r != null ? r : held.copy()).removal(d.getKey(), d.getValue());
      }
    }
    if (incoming.authStamp.isNewerThan(held.authStamp)) {
      r = r != null ? r : held.copy();
      r.auth = incoming.auth;
      r.authStamp = incoming.authStamp;
    }
    if (incoming.tlsStamp.isNewerThan(held.tlsStamp)) {
      r = r != null ? r : held.copy();
      r.tls = incoming.tls;
      r.tlsStamp = incoming.tlsStamp;
    }
    if (incoming.timeoutStamp.isNewerThan(held.timeoutStamp)) {
      r = r != null ? r : held.copy();
      r.maxInactiveSeconds = incoming.maxInactiveSeconds;
      r.timeoutStamp = incoming.timeoutStamp;
    }
    if (incoming.bookStamp.isNewerThan(held.bookStamp)) {
      r = r != null ? r : held.copy();
      r.lastNode = incoming.lastNode;
      r.lastSavedMillis = incoming.lastSavedMillis;
      r.bookStamp = incoming.bookStamp;
    }
    if (incoming.accessedMillis > held.accessedMillis || incoming.lastAccessedMillis > held.lastAccessedMillis) {
      r = r != null ? r : held.copy();
      r.accessedMillis = Math.max(held.accessedMillis, incoming.accessedMillis);
      r.lastAccessedMillis = Math.max(held.lastAccessedMillis, incoming.lastAccessedMillis);
    }
    return r != null ? r : held;
  }

  /**
   * Whether a write of attribute {@code name} stamped {@code s} ({@code bytes} null for a removal)
   * replaces what {@code held} knows of it: it knows nothing of it (a removal is kept too, so that
   * an older write arriving later stays out), or its state is older. At equal stamps (the same
   * write) nothing changes.
   */
  private static boolean wins(SessionRecord held, String name, Stamp s) {
    Stamp h = held.attributes.containsKey(name) ? held.stampOf(name) : held.removed.get(name);
    return h == null || s.isNewerThan(h);
  }

  /** Attribute names, in insertion order; a read-only view. */
  public Set<String> attributeNames() {
    return Collections.unmodifiableSet(attributes.keySet());
  }

  /** All attributes, read-only, in insertion order. */
  public Map<String, byte[]> attributes() {
    return Collections.unmodifiableMap(attributes);
  }

  @Override
  public String toString() {
    // Never attribute values, the user or the whole id: logs must not carry contents or credentials.
    return "SessionRecord[id=" + abbreviatedId() + ", attributes=" + attributes.size()
        + ", authenticated=" + (auth != null) + "]";
  }

  /**
   * True if this record and {@code other} differ at most in access times and bookkeeping
   * ({@code lastNode}, {@code lastSaved}): nothing another node needs as a new version, only as a
   * refreshed access time. Attributes are compared by their bytes.
   */
  public boolean sameExceptAccess(SessionRecord other) {
    if (maxInactiveSeconds != other.maxInactiveSeconds || !Objects.equals(auth, other.auth)
        || !Objects.equals(tls, other.tls) || !attributes.keySet().equals(other.attributes.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> a : attributes.entrySet()) {
      byte[] b = other.attributes.get(a.getKey());
      if (a.getValue() != b && !Arrays.equals(a.getValue(), b)) {
        return false;
      }
    }
    return true;
  }

  /** The first characters of the id, enough to tell sessions apart in a log, not to hijack one. */
  public String abbreviatedId() {
    return id.length() <= 6 ? id : id.substring(0, 6) + "…";
  }
}
