package dev.baton.session;

import java.util.Collections;
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

  /**
   * A new session.
   *
   * @param id the route-free session id
   * @param createdMillis creation time, epoch millis
   * @param maxInactiveSeconds idle seconds before it expires; zero or negative for never
   */
  public SessionRecord(String id, long createdMillis, int maxInactiveSeconds) {
    this(id, createdMillis, maxInactiveSeconds, new LinkedHashMap<>());
  }

  private SessionRecord(String id, long createdMillis, int maxInactiveSeconds, Map<String, byte[]> attributes) {
    this.id = Objects.requireNonNull(id, "id");
    this.createdMillis = createdMillis;
    this.accessedMillis = createdMillis;
    this.lastAccessedMillis = createdMillis;
    this.maxInactiveSeconds = maxInactiveSeconds;
    this.attributes = attributes;
  }

  /** A deep copy (attribute arrays are shared: they are never modified in place). */
  public SessionRecord copy() {
    SessionRecord c = new SessionRecord(id, createdMillis, maxInactiveSeconds, new LinkedHashMap<>(attributes));
    c.accessedMillis = accessedMillis;
    c.lastAccessedMillis = lastAccessedMillis;
    c.auth = auth;
    c.tls = tls;
    c.lastNode = lastNode;
    c.lastSavedMillis = lastSavedMillis;
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
  }

  /** Removes an attribute; returns whether it was there. */
  public boolean removeAttribute(String name) {
    return attributes.remove(name) != null;
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
      if (a.getValue() != b && !java.util.Arrays.equals(a.getValue(), b)) {
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
