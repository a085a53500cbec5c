package dev.baton.tls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.RateLimitedLog;
import dev.baton.cluster.WriteMode;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.StateKind;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.HexFormat;

/**
 * OpenSSL's external session cache (libssl 3, FFM, Java 22+) kept in the cluster cache: a TLS
 * session an {@code SSL_CTX} creates is stored (kind {@link StateKind#TLS_SESSION}, keyed by session
 * id, expiring with the session's timeout); a session id this node does not know is looked up in the
 * cluster; a session OpenSSL removes is deleted. So a TLS 1.2 client that does not use tickets, or a
 * TLS 1.3 client of a server with tickets off, resumes on another node. A session is shared for
 * the shorter of its own timeout and {@code tlsSessionCacheTimeout}, within
 * {@code tlsSessionCacheBytes} ({@link TlsSessionBudget}): anonymous handshakes cannot fill the
 * nodes' heaps. The session bytes hold the master secret: they travel sealed like every entry and
 * are never logged.
 */
public final class OpenSslSessionCache {

  private static final System.Logger LOG = System.getLogger(OpenSslSessionCache.class.getName());

  private final ClusterNode node;
  private final long lifetimeMillis;
  private final TlsSessionBudget budget;
  private final RateLimitedLog full = new RateLimitedLog(LOG, "");

  private OpenSslSessionCache(ClusterNode node) {
    this.node = node;
    this.lifetimeMillis = node.settings().tlsSessionCacheTimeout().toMillis();
    this.budget = new TlsSessionBudget(node.settings().tlsSessionCacheBytes(), lifetimeMillis, System::nanoTime);
  }

  /** Registers the new/get/remove session callbacks of the {@code SSL_CTX} at {@code sslCtxAddress}. */
  public static OpenSslSessionCache attach(long sslCtxAddress, ClusterNode node) {
    OpenSslSessionCache c = new OpenSslSessionCache(node);
    MemorySegment ctx = MemorySegment.ofAddress(sslCtxAddress);
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    MemorySegment newCb = Libssl.upcall(lookup, c, "created", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    MemorySegment getCb = Libssl.upcall(lookup, c, "lookup", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    MemorySegment removeCb = Libssl.upcall(lookup, c, "removed", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    try {
      // Server-side session ids on (Tomcat turns them off), kept in the cluster cache only: every
      // lookup comes here, and OpenSSL's own cache never evicts what other nodes still need.
      long previousMode = (long) Libssl.SSL_CTX_CTRL.invokeExact(ctx, Libssl.SSL_CTRL_SET_SESS_CACHE_MODE,
          Libssl.SSL_SESS_CACHE_SERVER | Libssl.SSL_SESS_CACHE_NO_INTERNAL, MemorySegment.NULL);
      Libssl.SSL_CTX_SESS_SET_NEW_CB.invokeExact(ctx, newCb);
      Libssl.SSL_CTX_SESS_SET_GET_CB.invokeExact(ctx, getCb);
      Libssl.SSL_CTX_SESS_SET_REMOVE_CB.invokeExact(ctx, removeCb);
    } catch (Throwable t) {
      throw new IllegalStateException("cannot register the session cache callbacks: " + t, t);
    }
    return c;
  }

  private static byte[] keyOf(byte[] sessionId) {
    return new StateKey(StateKind.TLS_SESSION, "", HexFormat.of().formatHex(sessionId)).toBytes();
  }

  private static byte[] idOf(MemorySegment session, Arena arena) throws Throwable {
    MemorySegment len = arena.allocate(JAVA_INT);
    MemorySegment id = (MemorySegment) Libssl.SSL_SESSION_GET_ID.invokeExact(session, len);
    return id.reinterpret(len.get(JAVA_INT, 0)).toArray(JAVA_BYTE);
  }

  /** {@code new_session_cb}: stores the session; returns 0, OpenSSL keeps its reference. */
  @SuppressWarnings("unused") // called from native code
  private int created(MemorySegment ssl, MemorySegment session) {
    try (Arena arena = Arena.ofConfined()) {
      byte[] id = idOf(session, arena);
      if (id.length == 0) {
        return 0; // a session sent as a ticket only has no id to look up
      }
      int n = (int) Libssl.I2D_SSL_SESSION.invokeExact(session, MemorySegment.NULL);
      if (n <= 0) {
        return 0;
      }
      MemorySegment buf = arena.allocate(n);
      MemorySegment p = arena.allocate(ADDRESS);
      p.set(ADDRESS, 0, buf);
      if ((int) Libssl.I2D_SSL_SESSION.invokeExact(session, p) != n) {
        return 0;
      }
      long timeoutMillis = (long) Libssl.SSL_SESSION_GET_TIMEOUT.invokeExact(session) * 1000;
      byte[] der = buf.toArray(JAVA_BYTE);
      buf.fill((byte) 0);
      byte[] key = keyOf(id);
      if (!budget.admit(key.length + der.length)) {
        full.warn("Baton: TLS sessions made beyond tlsSessionCacheBytes (" + node.settings().tlsSessionCacheBytes()
            + " bytes per " + lifetimeMillis / 1000 + " s) are not shared with the other nodes; raise it if"
            + " these are real clients");
        return 0;
      }
      // Async: the handshake must not wait for the cluster; the copy lands within milliseconds.
      node.put(key, der, Math.max(Math.min(timeoutMillis, lifetimeMillis), 1000), WriteMode.ASYNC);
    } catch (Throwable t) {
      // A session not shared is a full handshake on another node, never a failed one here.
    }
    return 0;
  }

  /** {@code get_session_cb}: the session from the cluster, or NULL; OpenSSL owns what it gets. */
  @SuppressWarnings("unused") // called from native code
  private MemorySegment lookup(MemorySegment ssl, MemorySegment id, int len, MemorySegment copy) {
    try (Arena arena = Arena.ofConfined()) {
      StateEntry e = node.getOrPull(keyOf(id.reinterpret(len).toArray(JAVA_BYTE)));
      if (e == null) {
        return MemorySegment.NULL;
      }
      byte[] der = e.value();
      MemorySegment buf = arena.allocateFrom(JAVA_BYTE, der);
      MemorySegment p = arena.allocate(ADDRESS);
      p.set(ADDRESS, 0, buf);
      MemorySegment session = (MemorySegment) Libssl.D2I_SSL_SESSION.invokeExact(MemorySegment.NULL, p, (long) der.length);
      buf.fill((byte) 0);
      copy.reinterpret(4).set(JAVA_INT, 0, 0);
      return session;
    } catch (Throwable t) {
      return MemorySegment.NULL;
    }
  }

  /** {@code remove_session_cb}: the session ended (timed out, or its connection failed): delete it. */
  @SuppressWarnings("unused") // called from native code
  private void removed(MemorySegment sslCtx, MemorySegment session) {
    try (Arena arena = Arena.ofConfined()) {
      byte[] id = idOf(session, arena);
      if (id.length > 0) {
        node.remove(keyOf(id), WriteMode.ASYNC);
      }
    } catch (Throwable t) {
      // nothing to undo
    }
  }
}
