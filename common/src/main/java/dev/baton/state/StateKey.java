package dev.baton.state;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The identity of one piece of client state: its kind, a scope (for HTTP sessions the web
 * application, see {@link #httpSession}) and an id.
 *
 * <p>{@link #toBytes()} is the cache key: {@code kind(1) scopeLength(2, big-endian) scope(UTF-8)
 * id(UTF-8)}. It is the same on every node and in both containers, and {@link #fromBytes} reverses
 * it.
 *
 * @param kind what the state is
 * @param scope where the id is unique; empty for cluster-wide kinds
 * @param id the id within the scope
 */
public record StateKey(StateKind kind, String scope, String id) {

  /** Longest scope, in UTF-8 bytes. */
  public static final int MAX_SCOPE_BYTES = 0xFFFF;

  public StateKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(id, "id");
  }

  /**
   * The key of an HTTP session, normalised so that Tomcat and Jetty name the same session alike:
   * the scope is {@link #webappScope(String, String)} and the id loses any route or worker suffix
   * ({@link #stripRoute(String)}).
   *
   * @param virtualHost the host the application is deployed on; null, empty or {@code 0.0.0.0} for
   *     the default host
   * @param contextPath the context path; {@code ""} or {@code "/"} for the root application
   * @param sessionId the session id, with or without a {@code .route} suffix
   */
  public static StateKey httpSession(String virtualHost, String contextPath, String sessionId) {
    return new StateKey(StateKind.HTTP_SESSION, webappScope(virtualHost, contextPath), stripRoute(sessionId));
  }

  /**
   * A web application's scope: {@code host + contextPath}, the host lower-cased and empty for the
   * default host, the context path starting with {@code /} and without a trailing one ({@code /}
   * alone for the root application).
   */
  public static String webappScope(String virtualHost, String contextPath) {
    String host = virtualHost == null ? "" : virtualHost.trim().toLowerCase(java.util.Locale.ROOT);
    if (host.equals("0.0.0.0") || host.equals("*")) {
      host = "";
    }
    String path = contextPath == null ? "" : contextPath.trim();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    return host + path;
  }

  /**
   * The session id without the route ({@code jvmRoute} in Tomcat, worker name in Jetty) that
   * containers append after a dot; neither container puts a dot in the id itself.
   */
  public static String stripRoute(String sessionId) {
    int dot = sessionId.indexOf('.');
    return dot < 0 ? sessionId : sessionId.substring(0, dot);
  }

  /** The cache key bytes. */
  public byte[] toBytes() {
    byte[] s = scope.getBytes(StandardCharsets.UTF_8);
    byte[] i = id.getBytes(StandardCharsets.UTF_8);
    if (s.length > MAX_SCOPE_BYTES) {
      throw new IllegalArgumentException("scope is " + s.length + " UTF-8 bytes, the limit is " + MAX_SCOPE_BYTES);
    }
    byte[] out = new byte[3 + s.length + i.length];
    out[0] = (byte) kind.code();
    out[1] = (byte) (s.length >>> 8);
    out[2] = (byte) s.length;
    System.arraycopy(s, 0, out, 3, s.length);
    System.arraycopy(i, 0, out, 3 + s.length, i.length);
    return out;
  }

  /**
   * Parses key bytes made by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException if the bytes are not a key
   */
  public static StateKey fromBytes(byte[] b) {
    if (b.length < 3) {
      throw new IllegalArgumentException("a state key has at least 3 bytes, got " + b.length);
    }
    StateKind kind = StateKind.ofCode(b[0] & 0xFF);
    int scopeLen = (b[1] & 0xFF) << 8 | (b[2] & 0xFF);
    if (3 + scopeLen > b.length) {
      throw new IllegalArgumentException("state key scope length " + scopeLen + " runs past the key");
    }
    return new StateKey(kind,
        new String(b, 3, scopeLen, StandardCharsets.UTF_8),
        new String(b, 3 + scopeLen, b.length - 3 - scopeLen, StandardCharsets.UTF_8));
  }
}
