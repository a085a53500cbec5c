package dev.baton.tls;

import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * Installs the cluster's ticket keys into a server context of the JDK's own TLS (SunJSSE, Java 17
 * and later), so that a TLS 1.2 or 1.3 ticket made on one node resumes on another.
 *
 * <p>The JDK has no API for this: the keys go by reflection into
 * {@code sun.security.ssl.SSLSessionContextImpl} (its {@code keyHashMap} of
 * {@code SessionTicketExtension$StatelessKey} and {@code currentKeyID}), which needs the JVM option
 * {@code --add-opens java.base/sun.security.ssl=ALL-UNNAMED}. {@link #availability()} checks once
 * per JVM that the fields exist and that a ticket made by one context resumes on another (an
 * in-memory handshake); when it fails, callers log its reason and carry on without TLS failover.
 *
 * <p>A JDK key object carries one {@code timeout} (epoch millis): it encrypts while
 * {@code now <= timeout} and decrypts while {@code now <= timeout + sessionTimeout}. The current key
 * is installed with a timeout past its {@code encryptUntil} by a margin, so the JDK never finds it
 * expired and makes a random key of its own before the next check switches to the next key; the
 * others with {@code decryptUntil - sessionTimeout}.
 */
public final class JdkTicketKeys implements TicketKeyInstaller {

  /** The JVM option the reflection needs. */
  public static final String ADD_OPENS = "--add-opens java.base/sun.security.ssl=ALL-UNNAMED";

  private static final System.Logger LOG = System.getLogger(JdkTicketKeys.class.getName());
  /** How long past its encryptUntil the current key stays usable for encryption. */
  private static final long MARGIN_MILLIS = 120_000;

  private static volatile Availability availability;

  private final SSLSessionContext context;
  private final Map<Object, Object> keyMap;
  /** The key objects this installer put, by JDK key number. */
  private final Map<Integer, Object> installed = new HashMap<>();

  /** Whether the JDK's TLS can take the cluster's ticket keys in this JVM, and why not. */
  public record Availability(boolean available, String reason) {}

  private JdkTicketKeys(SSLSessionContext context, Map<Object, Object> keyMap) {
    this.context = context;
    this.keyMap = keyMap;
  }

  /**
   * An installer for {@code context}, the server session context of a JDK {@code SSLContext}.
   *
   * @throws IllegalStateException if {@link #availability()} says no, or the context is not the
   *     JDK's
   */
  public static JdkTicketKeys of(SSLSessionContext context) {
    Availability a = availability();
    if (!a.available()) {
      throw new IllegalStateException(a.reason());
    }
    if (!Reflection.CONTEXT_CLASS.isInstance(context)) {
      throw new IllegalStateException("not a JDK TLS session context: " + context.getClass().getName());
    }
    return new JdkTicketKeys(context, Reflection.keyMap(context));
  }

  /** Checks once per JVM (reflection, then a TLS 1.2 resumption across two in-memory contexts). */
  public static Availability availability() {
    Availability a = availability;
    if (a == null) {
      synchronized (JdkTicketKeys.class) {
        a = availability;
        if (a == null) {
          a = selfTest();
          availability = a;
        }
      }
    }
    return a;
  }

  private static Availability selfTest() {
    if (Reflection.FAILURE != null) {
      return new Availability(false, "the JDK's TLS internals are not reachable (" + Reflection.FAILURE
          + "); start the JVM with " + ADD_OPENS);
    }
    try {
      SelfSignedCertificate cert = SelfSignedCertificate.create("baton-self-test");
      SSLContext a = cert.serverContext();
      SSLContext b = cert.serverContext();
      SSLContext client = cert.clientContext();
      long now = System.currentTimeMillis();
      TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(now, 3_600_000, 3_600_000, new java.security.SecureRandom());
      for (SSLContext ctx : List.of(a, b)) {
        new JdkTicketKeys(ctx.getServerSessionContext(), Reflection.keyMap(ctx.getServerSessionContext()))
            .install(ring, now);
      }
      SSLSession first = Handshake.run(client, a, "TLSv1.2", "self-test");
      SSLSession second = Handshake.run(client, b, "TLSv1.2", "self-test");
      if (!resumed(first, second)) {
        return new Availability(false, "this JDK (" + Runtime.version() + ") did not resume on a second context a ticket"
            + " made by the first with the same injected key");
      }
      return new Availability(true, "TLS ticket keys injected into the JDK's TLS (self-test passed on " + Runtime.version() + ")");
    } catch (Exception | LinkageError e) {
      return new Availability(false, "the TLS self-test failed on " + Runtime.version() + ": " + e);
    }
  }

  /** A resumed session carries the creation time of the session it resumes: the ticket holds it. */
  static boolean resumed(SSLSession first, SSLSession second) {
    return second.getCreationTime() == first.getCreationTime();
  }

  @Override
  public synchronized void install(TicketKeyRing ring, long now) {
    TicketKey current = ring.current(now);
    if (current == null) {
      return;
    }
    long sessionTimeoutMillis = context.getSessionTimeout() * 1000L;
    Set<Integer> live = new HashSet<>();
    for (TicketKey k : ring.decrypting(now)) {
      int id = k.jdkKeyId();
      live.add(id);
      long timeout = k == current ? Math.max(k.encryptUntil(), now) + MARGIN_MILLIS
          : k.decryptUntil() - sessionTimeoutMillis;
      Object mine = installed.get(id);
      if (mine != null && keyMap.get(id) == mine && Reflection.timeoutOf(mine) == timeout) {
        continue;
      }
      Object key = Reflection.newKey(k, timeout);
      keyMap.put(id, key);
      installed.put(id, key);
    }
    Reflection.setCurrent(context, current.jdkKeyId());
    installed.keySet().removeIf(id -> {
      if (live.contains(id)) {
        return false;
      }
      keyMap.remove(id);
      return true;
    });
  }

  /** The reflective handles, resolved once. */
  private static final class Reflection {
    static final Class<?> CONTEXT_CLASS;
    static final String FAILURE;
    private static Field keyHashMap;
    private static Field currentKeyId;
    private static Field timeout;
    private static Field key;
    private static Field num;
    private static Class<?> statelessKey;
    private static Object unsafe;
    private static java.lang.reflect.Method allocate;

    static {
      Class<?> ctx = null;
      String failure = null;
      try {
        ctx = Class.forName("sun.security.ssl.SSLSessionContextImpl");
        keyHashMap = open(ctx.getDeclaredField("keyHashMap"));
        currentKeyId = open(ctx.getDeclaredField("currentKeyID"));
        statelessKey = Class.forName("sun.security.ssl.SessionTicketExtension$StatelessKey");
        timeout = open(statelessKey.getDeclaredField("timeout"));
        key = open(statelessKey.getDeclaredField("key"));
        num = open(statelessKey.getDeclaredField("num"));
        Class<?> u = Class.forName("sun.misc.Unsafe");
        unsafe = open(u.getDeclaredField("theUnsafe")).get(null);
        allocate = u.getMethod("allocateInstance", Class.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        failure = e.toString();
      }
      CONTEXT_CLASS = ctx == null ? Void.class : ctx;
      FAILURE = failure;
    }

    private static Field open(Field f) {
      f.setAccessible(true);
      return f;
    }

    @SuppressWarnings("unchecked")
    static Map<Object, Object> keyMap(SSLSessionContext context) {
      try {
        return (Map<Object, Object>) keyHashMap.get(context);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    static Object newKey(TicketKey k, long timeoutMillis) {
      try {
        Object o = allocate.invoke(unsafe, statelessKey);
        key.set(o, new SecretKeySpec(k.aesKey(), "AES"));
        num.setInt(o, k.jdkKeyId());
        timeout.setLong(o, timeoutMillis);
        return o;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot make a JDK ticket key: " + e, e);
      }
    }

    static long timeoutOf(Object jdkKey) {
      try {
        return timeout.getLong(jdkKey);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    static void setCurrent(SSLSessionContext context, int id) {
      try {
        currentKeyId.setInt(context, id);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Logs {@link #availability()} once, as a warning when TLS failover is off. */
  public static boolean checkAndLog() {
    Availability a = availability();
    LOG.log(a.available() ? Level.INFO : Level.WARNING, a.available() ? a.reason()
        : "TLS sessions will not resume on other nodes: " + a.reason());
    return a.available();
  }
}
