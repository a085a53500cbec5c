package dev.baton.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one cluster node, read from plain string properties so that Tomcat's
 * {@code server.xml} attributes and Jetty's ini properties map onto them one to one. Every setting
 * has a default; {@link #from(Map)} checks them all and fails with a {@link ClusterConfigException}
 * naming the setting and the fix.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>clusterName</td><td>baton</td><td>nodes with the same name (and stack) form one cluster</td></tr>
 *   <tr><td>nodeName</td><td>host-pid</td><td>this node's stable, unique name; use the jvmRoute / worker name</td></tr>
 *   <tr><td>bindAddress</td><td>127.0.0.1</td><td>the address cluster traffic binds to; never a wildcard</td></tr>
 *   <tr><td>stack</td><td>udp</td><td>{@code udp} (IP multicast, NAKACK2), {@code tcp} (TCP + TCPPING) or a stack file path</td></tr>
 *   <tr><td>mcastAddress / mcastPort</td><td>239.7.7.7 / 45700</td><td>udp stack: the multicast group</td></tr>
 *   <tr><td>tcpPort / initialHosts</td><td>7800 / 127.0.0.1[7800]</td><td>tcp stack: own port and the members to contact</td></tr>
 *   <tr><td>topology</td><td>replicated</td><td>replicated, partitioned or tiered</td></tr>
 *   <tr><td>owners</td><td>2</td><td>partitioned: copies of each entry</td></tr>
 *   <tr><td>role</td><td>edge</td><td>tiered: edge or repository</td></tr>
 *   <tr><td>writeMode</td><td>sync</td><td>sync (positive acks) or async</td></tr>
 *   <tr><td>syncTimeout</td><td>2000</td><td>ms to wait for acks</td></tr>
 *   <tr><td>syncTimeoutAction</td><td>async</td><td>at the timeout: {@code async} (log, count and carry on) or {@code fail} (throw)</td></tr>
 *   <tr><td>secret / secretFile</td><td>none</td><td>the cluster secret (base64, at least 32 bytes), inline or in a file</td></tr>
 *   <tr><td>encryption</td><td>on</td><td>{@code on}, or {@code none} to run in plaintext (logged as a warning)</td></tr>
 *   <tr><td>nearCacheBytes</td><td>67108864</td><td>memory bound of entries this node does not own</td></tr>
 *   <tr><td>pullTimeout</td><td>1000</td><td>ms to wait for peers when pulling a missing entry</td></tr>
 *   <tr><td>stateTransferTimeout</td><td>30000</td><td>ms a joining node waits for its portion before it reports ready</td></tr>
 *   <tr><td>sweepInterval</td><td>5000</td><td>ms between expiry sweeps</td></tr>
 *   <tr><td>touchInterval</td><td>1000</td><td>ms between batches of access times sent to owners</td></tr>
 *   <tr><td>tombstoneTtl</td><td>600000</td><td>ms a delete is remembered</td></tr>
 *   <tr><td>tlsKeyRotation</td><td>3600000</td><td>ms a TLS session-ticket key encrypts new tickets before the next one takes over</td></tr>
 *   <tr><td>tlsTicketLifetime</td><td>86400000</td><td>ms a ticket stays decryptable after its key stopped encrypting; at least the
 *       TLS session timeout of the connectors</td></tr>
 *   <tr><td>upstream.*</td><td>none</td><td>tiered repository: settings of the higher repository cluster it forwards to</td></tr>
 * </table>
 */
public final class ClusterSettings {

  private static final Set<String> KNOWN = Set.of("clusterName", "nodeName", "bindAddress", "stack",
      "mcastAddress", "mcastPort", "tcpPort", "initialHosts", "topology", "owners", "role", "writeMode",
      "syncTimeout", "syncTimeoutAction", "secret", "secretFile", "encryption", "nearCacheBytes",
      "pullTimeout", "stateTransferTimeout", "sweepInterval", "touchInterval", "tombstoneTtl",
      "tlsKeyRotation", "tlsTicketLifetime");

  /** Tiered role of a node. */
  public enum Role { EDGE, REPOSITORY }

  private final Map<String, String> raw;
  private final String clusterName;
  private final String nodeName;
  private final String bindAddress;
  private final String stack;
  private final String mcastAddress;
  private final int mcastPort;
  private final int tcpPort;
  private final String initialHosts;
  private final Topology topology;
  private final int owners;
  private final Role role;
  private final WriteMode writeMode;
  private final Duration syncTimeout;
  private final boolean failOnSyncTimeout;
  private final byte[] secret;
  private final Duration pullTimeout;
  private final Duration stateTransferTimeout;
  private final Duration sweepInterval;
  private final Duration touchInterval;
  private final Duration tombstoneTtl;
  private final Duration tlsKeyRotation;
  private final Duration tlsTicketLifetime;
  private final long nearCacheBytes;
  private final ClusterSettings upstream;

  private ClusterSettings(Map<String, String> p) {
    this.raw = Map.copyOf(p);
    for (String key : p.keySet()) {
      if (!KNOWN.contains(key) && !key.startsWith("upstream.")) {
        throw new ClusterConfigException(key, "unknown setting", "check the spelling; known settings are " + new java.util.TreeSet<>(KNOWN));
      }
    }
    clusterName = text(p, "clusterName", "baton");
    nodeName = text(p, "nodeName", defaultNodeName());
    if (nodeName.contains(".")) {
      throw new ClusterConfigException("nodeName", "'" + nodeName + "' contains a dot",
          "use letters, digits, '-' or '_' (the name becomes the session route suffix)");
    }
    bindAddress = text(p, "bindAddress", "127.0.0.1");
    checkBindAddress(bindAddress);
    stack = text(p, "stack", "udp");
    if (!stack.equals("udp") && !stack.equals("tcp") && !Files.isReadable(Path.of(stack))) {
      throw new ClusterConfigException("stack", "'" + stack + "' is neither udp, tcp nor a readable file",
          "use udp, tcp or the path of a JGroups stack file");
    }
    mcastAddress = text(p, "mcastAddress", "239.7.7.7");
    mcastPort = intIn(p, "mcastPort", 45700, 1, 65535);
    tcpPort = intIn(p, "tcpPort", 7800, 1, 65535);
    initialHosts = text(p, "initialHosts", bindAddress + "[" + tcpPort + "]");
    topology = choice(p, "topology", Topology.class, Topology.REPLICATED);
    owners = intIn(p, "owners", 2, 1, 16);
    role = choice(p, "role", Role.class, Role.EDGE);
    writeMode = choice(p, "writeMode", WriteMode.class, WriteMode.SYNC);
    syncTimeout = millis(p, "syncTimeout", 2000);
    String action = text(p, "syncTimeoutAction", "async").toLowerCase(Locale.ROOT);
    if (!action.equals("async") && !action.equals("fail")) {
      throw new ClusterConfigException("syncTimeoutAction", "'" + action + "' is not a choice", "use async or fail");
    }
    failOnSyncTimeout = action.equals("fail");
    pullTimeout = millis(p, "pullTimeout", 1000);
    stateTransferTimeout = millis(p, "stateTransferTimeout", 30_000);
    sweepInterval = millis(p, "sweepInterval", 5000);
    touchInterval = millis(p, "touchInterval", 1000);
    tombstoneTtl = millis(p, "tombstoneTtl", 600_000);
    tlsKeyRotation = millis(p, "tlsKeyRotation", 3_600_000);
    tlsTicketLifetime = millis(p, "tlsTicketLifetime", 86_400_000);
    nearCacheBytes = longIn(p, "nearCacheBytes", 64L << 20, 0, Long.MAX_VALUE);
    secret = readSecret(p);
    Map<String, String> up = new LinkedHashMap<>();
    p.forEach((k, v) -> {
      if (k.startsWith("upstream.")) {
        up.put(k.substring("upstream.".length()), v);
      }
    });
    if (!up.isEmpty()) {
      if (topology != Topology.TIERED || role != Role.REPOSITORY) {
        throw new ClusterConfigException("upstream.*", "only a tiered repository forwards to an upstream cluster",
            "set topology=tiered and role=repository, or remove the upstream.* settings");
      }
      up.putIfAbsent("nodeName", nodeName + "-up");
      up.putIfAbsent("bindAddress", bindAddress);
      up.putIfAbsent("topology", "tiered");
      up.putIfAbsent("role", "edge");
      if (!up.containsKey("secret") && !up.containsKey("secretFile") && p.containsKey("secret")) {
        up.put("secret", p.get("secret"));
      }
      if (!up.containsKey("secret") && !up.containsKey("secretFile") && p.containsKey("secretFile")) {
        up.put("secretFile", p.get("secretFile"));
      }
      if (!up.containsKey("encryption") && p.containsKey("encryption")) {
        up.put("encryption", p.get("encryption"));
      }
      upstream = new ClusterSettings(up);
    } else {
      upstream = null;
    }
  }

  /**
   * Reads and checks settings.
   *
   * @throws ClusterConfigException naming the first bad setting and its fix
   */
  public static ClusterSettings from(Map<String, String> properties) {
    Map<String, String> p = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (v != null && !v.isBlank()) {
        p.put(k, v.trim());
      }
    });
    return new ClusterSettings(p);
  }

  private static String defaultNodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "node";
    }
    int dot = host.indexOf('.');
    return (dot > 0 ? host.substring(0, dot) : host) + "-" + ProcessHandle.current().pid();
  }

  private static void checkBindAddress(String a) {
    if (a.equals("0.0.0.0") || a.equals("::") || a.equals("*")) {
      throw new ClusterConfigException("bindAddress", "'" + a + "' would listen on every interface",
          "name one address, such as the host's private address, or 127.0.0.1 on one machine");
    }
    try {
      InetAddress.getByName(a);
    } catch (UnknownHostException e) {
      throw new ClusterConfigException("bindAddress", "'" + a + "' is not an address", "give an IP address of this host");
    }
  }

  private static byte[] readSecret(Map<String, String> p) {
    String enc = p.getOrDefault("encryption", "on").toLowerCase(Locale.ROOT);
    if (!enc.equals("on") && !enc.equals("none")) {
      throw new ClusterConfigException("encryption", "'" + enc + "' is not a choice", "use on (the default) or none");
    }
    if (enc.equals("none")) {
      return null;
    }
    String b64 = p.get("secret");
    String file = p.get("secretFile");
    if (b64 != null && file != null) {
      throw new ClusterConfigException("secret", "both secret and secretFile are set", "set only one of them");
    }
    if (file != null) {
      try {
        b64 = Files.readString(Path.of(file)).trim();
      } catch (java.io.IOException e) {
        throw new ClusterConfigException("secretFile", "cannot read " + file + " (" + e.getMessage() + ")",
            "point it to a readable file made by 'java -cp <baton jar> dev.baton.cluster.SecretTool > " + file + "'");
      }
    }
    if (b64 == null) {
      throw new ClusterConfigException("secret", "no cluster secret: cluster traffic is encrypted and authenticated by default",
          "generate one with 'java -cp <baton jar> dev.baton.cluster.SecretTool > baton.secret' and set secretFile, "
              + "or set encryption=none to run in plaintext (not for production)");
    }
    byte[] s;
    try {
      s = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new ClusterConfigException(file != null ? "secretFile" : "secret", "the secret is not base64", "use the output of SecretTool");
    }
    if (s.length < 32) {
      throw new ClusterConfigException(file != null ? "secretFile" : "secret", "the secret has " + s.length + " bytes, at least 32 are needed",
          "use the output of SecretTool");
    }
    return s;
  }

  private static String text(Map<String, String> p, String key, String def) {
    return p.getOrDefault(key, def);
  }

  private static int intIn(Map<String, String> p, String key, int def, int min, int max) {
    return (int) longIn(p, key, def, min, max);
  }

  private static long longIn(Map<String, String> p, String key, long def, long min, long max) {
    String v = p.get(key);
    if (v == null) {
      return def;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new ClusterConfigException(key, v + " is out of range", "use a whole number from " + min + " to " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ClusterConfigException(key, "'" + v + "' is not a whole number", "use a whole number from " + min + " to " + max);
    }
  }

  private static Duration millis(Map<String, String> p, String key, long def) {
    return Duration.ofMillis(longIn(p, key, def, 1, 24L * 3600 * 1000));
  }

  private static <E extends Enum<E>> E choice(Map<String, String> p, String key, Class<E> type, E def) {
    String v = p.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ClusterConfigException(key, "'" + v + "' is not a choice",
          "use one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
  }

  public String clusterName() { return clusterName; }
  public String nodeName() { return nodeName; }
  public String bindAddress() { return bindAddress; }
  public String stack() { return stack; }
  public String mcastAddress() { return mcastAddress; }
  public int mcastPort() { return mcastPort; }
  public int tcpPort() { return tcpPort; }
  public String initialHosts() { return initialHosts; }
  public Topology topology() { return topology; }
  public int owners() { return owners; }
  public Role role() { return role; }
  public WriteMode writeMode() { return writeMode; }
  public Duration syncTimeout() { return syncTimeout; }
  public boolean failOnSyncTimeout() { return failOnSyncTimeout; }
  /** The cluster secret, or null when the operator opted out of encryption. */
  byte[] secret() { return secret == null ? null : secret.clone(); }
  public boolean encrypted() { return secret != null; }
  public Duration pullTimeout() { return pullTimeout; }
  public Duration stateTransferTimeout() { return stateTransferTimeout; }
  public Duration sweepInterval() { return sweepInterval; }
  public Duration touchInterval() { return touchInterval; }
  public Duration tombstoneTtl() { return tombstoneTtl; }
  public Duration tlsKeyRotation() { return tlsKeyRotation; }
  public Duration tlsTicketLifetime() { return tlsTicketLifetime; }
  public long nearCacheBytes() { return nearCacheBytes; }
  /** Settings of the higher repository cluster, or null. */
  public ClusterSettings upstream() { return upstream; }

  @Override
  public String toString() {
    // The secret never appears.
    return "ClusterSettings[cluster=" + clusterName + ", node=" + nodeName + ", bind=" + bindAddress
        + ", stack=" + stack + ", topology=" + topology + ", writeMode=" + writeMode
        + ", encrypted=" + encrypted() + "]";
  }
}
