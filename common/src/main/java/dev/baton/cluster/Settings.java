package dev.baton.cluster;

import dev.baton.cluster.Setting.Container;
import dev.baton.wire.CodecLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every Baton setting, in one list: the only place a setting is named, typed, defaulted, checked
 * and documented. On Tomcat each is an attribute of {@code <Cluster>} (or of a standalone
 * {@code <Manager>}); on Jetty a {@code baton.<name>} property of the {@code session-store-baton}
 * module. The Jetty module's files and {@code docs/configuration.md} are generated from this list
 * ({@link SettingsReference}), and a test fails when they drift from it.
 */
public final class Settings {

  /** At the sync timeout: log, count and carry on, or fail the request. */
  public enum SyncTimeoutAction { ASYNC, FAIL }

  /** Cluster traffic sealed (AES-GCM, keys from the secret), or plaintext (an explicit, logged opt-out). */
  public enum Encryption { ON, NONE }

  public static final Setting<String> CLUSTER_NAME = Setting.text("clusterName", "baton",
      "nodes with the same name (and network settings) form one cluster");
  public static final Setting<String> NODE_NAME = Setting.checked("nodeName", "text", null,
      "this node's stable, unique name (no dot); default: Tomcat's jvmRoute or Jetty's worker name, else host-pid",
      Settings::checkNodeName);
  public static final Setting<String> BIND_ADDRESS = Setting.checked("bindAddress", "address", "127.0.0.1",
      "the one address cluster traffic uses; a wildcard is refused", Settings::checkBindAddress);
  public static final Setting<String> STACK = Setting.checked("stack", "udp|tcp|path", "udp",
      "udp (IP multicast + NAKACK2), tcp (TCP + TCPPING, no multicast needed) or the path of a JGroups stack file"
          + " of your own", Settings::checkStack);
  public static final Setting<String> MCAST_ADDRESS = Setting.text("mcastAddress", "239.7.7.7",
      "udp stack: the multicast group; packets from a loopback address get TTL 0");
  public static final Setting<Integer> MCAST_PORT = Setting.integer("mcastPort", 45700, 1, 65535,
      "udp stack: the multicast port");
  public static final Setting<Integer> TCP_PORT = Setting.integer("tcpPort", 7800, 1, 65535,
      "tcp stack: this node's port");
  public static final Setting<String> INITIAL_HOSTS = Setting.text("initialHosts", null,
      "tcp stack: the members to contact, as host[port],…; default: bindAddress[tcpPort]");
  public static final Setting<Topology> TOPOLOGY = Setting.choice("topology", Topology.REPLICATED, Topology.class,
      "replicated: every node holds everything; partitioned: each entry on `owners` nodes chosen by rendezvous"
          + " hashing; tiered: repository nodes hold everything, edge nodes what they serve");
  public static final Setting<Integer> OWNERS = Setting.integer("owners", 2, 1, 16,
      "partitioned: copies of each entry");
  public static final Setting<ClusterSettings.Role> ROLE = Setting.choice("role", ClusterSettings.Role.EDGE,
      ClusterSettings.Role.class, "tiered: edge or repository; a repository with upstream.* settings feeds and asks"
          + " a higher repository cluster");
  public static final Setting<WriteMode> WRITE_MODE = Setting.choice("writeMode", WriteMode.SYNC, WriteMode.class,
      "sync: a request ends only after every other owner applied its change; async: at once, NAKACK2 repairs"
          + " losses among live members");
  public static final Setting<Duration> SYNC_TIMEOUT = Setting.millis("syncTimeout", 2000,
      "how long a sync write waits for acknowledgements");
  public static final Setting<SyncTimeoutAction> SYNC_TIMEOUT_ACTION = Setting.choice("syncTimeoutAction",
      SyncTimeoutAction.FAIL, SyncTimeoutAction.class,
      "at the timeout: fail throws (the request fails: the change is applied here, not known to be on"
          + " every owner); async logs and counts it and answers as if replicated");
  public static final Setting<Integer> SYNC_MISSES_TO_EXCLUDE = Setting.integer("syncMissesToExclude", 3, 0, 1000,
      "acknowledgements an owner may miss in a row before it is removed from the view (0: never)");
  public static final Setting<String> SECRET = Setting.text("secret", null,
      "the cluster secret inline: 32+ random bytes in base64 (prefer secretFile)");
  public static final Setting<String> SECRET_FILE = Setting.text("secretFile", null,
      "the file holding the cluster secret, made with `java -jar <baton jar>`; readable by the container's user only");
  public static final Setting<Encryption> ENCRYPTION = Setting.choice("encryption", Encryption.ON, Encryption.class,
      "none runs in plaintext and anyone who can reach the ports can join: a warning is logged at start");
  public static final Setting<Long> NEAR_CACHE_BYTES = Setting.bytes("nearCacheBytes", 64L << 20,
      "bound for entries a node holds without owning them");
  public static final Setting<Duration> PULL_TIMEOUT = Setting.millis("pullTimeout", 1000,
      "how long a node asks peers for an entry it lacks");
  public static final Setting<Duration> STATE_TRANSFER_TIMEOUT = Setting.millis("stateTransferTimeout", 30_000,
      "how long a joining node waits for its portion before it serves");
  public static final Setting<Duration> SWEEP_INTERVAL = Setting.millis("sweepInterval", 5000,
      "time between expiry sweeps");
  public static final Setting<Duration> TOUCH_INTERVAL = Setting.millis("touchInterval", 1000,
      "time between batches of access times sent to the other nodes");
  public static final Setting<Duration> TOMBSTONE_TTL = Setting.millis("tombstoneTtl", 600_000,
      "how long a delete is remembered beyond the deleted entry's own idle timeout (must outlast a partition)");
  public static final Setting<Duration> TOMBSTONE_TTL_NO_TIMEOUT = Setting.millis("tombstoneTtlNoTimeout",
      86_400_000, "how long the delete of an entry without an idle timeout (a single sign-on) is remembered,"
          + " before tombstoneTtl");
  public static final Setting<Duration> TLS_KEY_ROTATION = Setting.millis("tlsKeyRotation", 3_600_000,
      "how long a TLS session-ticket key encrypts new tickets before the next one takes over").notUpstream();
  public static final Setting<Duration> TLS_TICKET_LIFETIME = Setting.millis("tlsTicketLifetime", 86_400_000,
      "how long a ticket stays decryptable after its key stopped encrypting; at least the connectors' TLS"
          + " session timeout").notUpstream();
  public static final Setting<Duration> TLS_SESSION_CACHE_TIMEOUT = Setting.millis("tlsSessionCacheTimeout", 300_000,
      "how long a TLS session stays resumable by its session id on every node (OpenSSL connectors); the"
          + " connector's shorter sessionTimeout wins").in(Container.TOMCAT).notUpstream();
  public static final Setting<Long> TLS_SESSION_CACHE_BYTES = Setting.bytes("tlsSessionCacheBytes", 8L << 20,
      "bytes of TLS sessions a node shares per tlsSessionCacheTimeout (about 20,000 sessions); beyond, new"
          + " sessions resume on their own node only").in(Container.TOMCAT).notUpstream();
  public static final Setting<Long> ATTRIBUTE_MAX_BYTES = Setting.bytes("attributeMaxBytes", 1L << 20, 1024,
      CodecLimits.DEFAULT.maxAttributeBytes(),
      "the largest a session attribute may be serialized; setting a bigger one fails at once, naming it")
      .notUpstream();
  public static final Setting<List<String>> ATTRIBUTE_ALLOW_LIST = Setting.list("attributeAllowList",
      "classes or packages session attributes may hold (com.shop.*, com.shop.**), added to the JDK value types;"
          + " anything else is refused before any of its code runs").notUpstream();
  public static final Setting<String> DIRTY_POLICY = Setting.checked("dirtyPolicy", "accessed|set_only", "accessed",
      "accessed: a mutable attribute the request read is serialized again and sent if its bytes changed;"
          + " set_only: only setAttribute/removeAttribute count", v -> oneOf("dirtyPolicy", v, "accessed", "set_only"))
      .in(Container.TOMCAT).notUpstream();
  public static final Setting<Integer> MAX_IDLE_SWAP = Setting.integer("maxIdleSwap", 0, -1, Integer.MAX_VALUE,
      "seconds a session goes unused on a node before it keeps only its serialized record (0: as soon as"
          + " no request uses it; -1: never, the live session stays in memory too)").in(Container.TOMCAT).notUpstream();
  public static final Setting<Boolean> WEB_APP_ACCESS = Setting.onOff("webAppAccess", false,
      "on lets web applications' own classes obtain the cluster node (it holds every session and key);"
          + " off refuses them").notUpstream();
  public static final Setting<Boolean> TLS_FAILOVER = Setting.onOff("tlsFailover", true,
      "install the cluster's TLS ticket keys in the TLS connectors (on Jetty: the baton-tls module)")
      .in(Container.TOMCAT).notUpstream();

  /** Every setting, in the order of the reference. */
  public static final List<Setting<?>> ALL = List.of(CLUSTER_NAME, NODE_NAME, BIND_ADDRESS, STACK, MCAST_ADDRESS,
      MCAST_PORT, TCP_PORT, INITIAL_HOSTS, TOPOLOGY, OWNERS, ROLE, WRITE_MODE, SYNC_TIMEOUT, SYNC_TIMEOUT_ACTION, SYNC_MISSES_TO_EXCLUDE,
      SECRET, SECRET_FILE, ENCRYPTION, NEAR_CACHE_BYTES, PULL_TIMEOUT, STATE_TRANSFER_TIMEOUT, SWEEP_INTERVAL,
      TOUCH_INTERVAL, TOMBSTONE_TTL, TOMBSTONE_TTL_NO_TIMEOUT, TLS_KEY_ROTATION, TLS_TICKET_LIFETIME, TLS_SESSION_CACHE_TIMEOUT,
      TLS_SESSION_CACHE_BYTES, ATTRIBUTE_MAX_BYTES, ATTRIBUTE_ALLOW_LIST, DIRTY_POLICY,
      MAX_IDLE_SWAP, WEB_APP_ACCESS, TLS_FAILOVER);

  /** Prefix of the settings a tiered repository takes for the repository cluster above it. */
  public static final String UPSTREAM = "upstream.";

  private Settings() {}

  /** The setting of this name, if any ({@code upstream.*} names are not settings of their own). */
  public static Optional<Setting<?>> named(String name) {
    return ALL.stream().<Setting<?>>map(s -> s).filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Checks that every name in {@code raw} is a setting that {@code container} takes (null: any), or
   * an {@code upstream.} one, and that every value parses (those of the cluster above are checked
   * when its settings are read).
   *
   * @throws ClusterConfigException naming the first unknown or malformed setting
   */
  public static void check(Map<String, String> raw, Setting.Container container) {
    for (String key : raw.keySet()) {
      String name = key.startsWith(UPSTREAM) ? key.substring(UPSTREAM.length()) : key;
      Optional<Setting<?>> s = named(name);
      if (s.isEmpty() || (key.startsWith(UPSTREAM) && !s.get().upstream())
          || (container != null && !s.get().containers().contains(container))) {
        throw new ClusterConfigException(key, "unknown setting", "check the spelling; the settings are listed in"
            + " docs/configuration.md (" + String.join(", ", ALL.stream().map(Setting::name).toList()) + ")");
      }
      if (!key.startsWith(UPSTREAM)) {
        s.get().get(raw);
      }
    }
  }

  private static String checkNodeName(String v) {
    if (v.contains(".")) {
      throw new ClusterConfigException("nodeName", "'" + v + "' contains a dot",
          "use letters, digits, '-' or '_' (the name becomes the session route suffix)");
    }
    return v;
  }

  private static String checkBindAddress(String a) {
    if (a.equals("0.0.0.0") || a.equals("::") || a.equals("*")) {
      throw new ClusterConfigException("bindAddress", "'" + a + "' would listen on every interface",
          "name one address, such as the host's private address, or 127.0.0.1 on one machine");
    }
    try {
      InetAddress.getByName(a);
    } catch (UnknownHostException e) {
      throw new ClusterConfigException("bindAddress", "'" + a + "' is not an address", "give an IP address of this host");
    }
    return a;
  }

  private static String checkStack(String stack) {
    if (!stack.equals("udp") && !stack.equals("tcp") && !Files.isReadable(Path.of(stack))) {
      throw new ClusterConfigException("stack", "'" + stack + "' is neither udp, tcp nor a readable file",
          "use udp, tcp or the path of a JGroups stack file");
    }
    return stack;
  }

  private static String oneOf(String name, String v, String... choices) {
    String lower = v.toLowerCase(Locale.ROOT).replace('-', '_');
    for (String c : choices) {
      if (c.equals(lower)) {
        return c;
      }
    }
    throw new ClusterConfigException(name, "'" + v + "' is not a choice", "use one of " + String.join(", ", choices));
  }
}
