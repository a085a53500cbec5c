package dev.baton.cluster;

import dev.baton.hash.BuzHash;
import dev.baton.wire.KeyMaterial;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checked settings of one cluster node, read from plain string properties (Tomcat's attributes,
 * Jetty's {@code baton.*} properties) through the one list of {@link Settings}: every setting has a
 * default, and {@link #from} fails with a {@link ClusterConfigException} naming the first bad one and
 * its fix. Immutable.
 */
public final class ClusterSettings {

  /** Tiered role of a node. */
  public enum Role { EDGE, REPOSITORY }

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
  private final int syncMissesToExclude;
  private final List<byte[]> secrets;
  private final Duration pullTimeout;
  private final Duration stateTransferTimeout;
  private final Duration sweepInterval;
  private final Duration touchInterval;
  private final Duration tombstoneTtl;
  private final Duration tombstoneTtlNoTimeout;
  private final Duration tlsKeyRotation;
  private final Duration tlsTicketLifetime;
  private final long nearCacheBytes;
  private final Duration tlsSessionCacheTimeout;
  private final long tlsSessionCacheBytes;
  private final long attributeMaxBytes;
  private final boolean webAppAccess;
  private final ClusterSettings upstream;

  private ClusterSettings(Map<String, String> p) {
    Settings.check(p, null);
    clusterName = Settings.CLUSTER_NAME.get(p);
    String name = Settings.NODE_NAME.get(p);
    nodeName = name != null ? name : defaultNodeName();
    bindAddress = Settings.BIND_ADDRESS.get(p);
    stack = Settings.STACK.get(p);
    mcastAddress = Settings.MCAST_ADDRESS.get(p);
    mcastPort = Settings.MCAST_PORT.get(p);
    tcpPort = Settings.TCP_PORT.get(p);
    String hosts = Settings.INITIAL_HOSTS.get(p);
    initialHosts = hosts != null ? hosts : bindAddress + "[" + tcpPort + "]";
    topology = Settings.TOPOLOGY.get(p);
    owners = Settings.OWNERS.get(p);
    role = Settings.ROLE.get(p);
    writeMode = Settings.WRITE_MODE.get(p);
    syncTimeout = Settings.SYNC_TIMEOUT.get(p);
    failOnSyncTimeout = Settings.SYNC_TIMEOUT_ACTION.get(p) == Settings.SyncTimeoutAction.FAIL;
    syncMissesToExclude = Settings.SYNC_MISSES_TO_EXCLUDE.get(p);
    pullTimeout = Settings.PULL_TIMEOUT.get(p);
    stateTransferTimeout = Settings.STATE_TRANSFER_TIMEOUT.get(p);
    sweepInterval = Settings.SWEEP_INTERVAL.get(p);
    touchInterval = Settings.TOUCH_INTERVAL.get(p);
    tombstoneTtl = Settings.TOMBSTONE_TTL.get(p);
    tombstoneTtlNoTimeout = Settings.TOMBSTONE_TTL_NO_TIMEOUT.get(p);
    tlsKeyRotation = Settings.TLS_KEY_ROTATION.get(p);
    tlsTicketLifetime = Settings.TLS_TICKET_LIFETIME.get(p);
    nearCacheBytes = Settings.NEAR_CACHE_BYTES.get(p);
    tlsSessionCacheTimeout = Settings.TLS_SESSION_CACHE_TIMEOUT.get(p);
    tlsSessionCacheBytes = Settings.TLS_SESSION_CACHE_BYTES.get(p);
    attributeMaxBytes = Settings.ATTRIBUTE_MAX_BYTES.get(p);
    webAppAccess = Settings.WEB_APP_ACCESS.get(p);
    secrets = readSecrets(p);
    upstream = upstreamOf(p);
  }

  /**
   * Reads and checks settings; blank values count as absent.
   *
   * @throws ClusterConfigException naming the first bad setting and its fix
   */
  public static ClusterSettings from(Map<String, String> properties) {
    return from(properties, null);
  }

  /**
   * {@link #from(Map)}, with {@code defaultNodeName} (the container's route or worker name) as the
   * node name unless one is set.
   */
  public static ClusterSettings from(Map<String, String> properties, String defaultNodeName) {
    Map<String, String> p = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (v != null && !v.isBlank()) {
        p.put(k, v.trim());
      }
    });
    if (defaultNodeName != null && !defaultNodeName.isBlank()) {
      p.putIfAbsent(Settings.NODE_NAME.name(), defaultNodeName);
    }
    return new ClusterSettings(p);
  }

  /** The settings of the repository cluster above a tiered repository, or null. */
  private ClusterSettings upstreamOf(Map<String, String> p) {
    Map<String, String> up = new LinkedHashMap<>();
    p.forEach((k, v) -> {
      if (k.startsWith(Settings.UPSTREAM)) {
        up.put(k.substring(Settings.UPSTREAM.length()), v);
      }
    });
    if (up.isEmpty()) {
      return null;
    }
    if (topology != Topology.TIERED || role != Role.REPOSITORY) {
      throw new ClusterConfigException("upstream.*", "only a tiered repository forwards to an upstream cluster",
          "set topology=tiered and role=repository, or remove the upstream.* settings");
    }
    up.putIfAbsent("nodeName", nodeName + "-up");
    up.putIfAbsent("bindAddress", bindAddress);
    up.putIfAbsent("topology", "tiered");
    up.putIfAbsent("role", "edge");
    if (!up.containsKey("secret") && !up.containsKey("secretFile")) {
      for (String s : new String[] {"secret", "secretFile"}) {
        if (p.containsKey(s)) {
          up.put(s, p.get(s));
        }
      }
    }
    if (!up.containsKey("encryption") && p.containsKey("encryption")) {
      up.put("encryption", p.get("encryption"));
    }
    return new ClusterSettings(up);
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

  /**
   * The cluster secrets: one, or during a rotation several (the first seals, every one opens), from
   * {@code secret} (comma-separated) or {@code secretFile} (one per line; {@code #} starts a
   * comment); none in a plaintext cluster.
   */
  private static List<byte[]> readSecrets(Map<String, String> p) {
    if (Settings.ENCRYPTION.get(p) == Settings.Encryption.NONE) {
      return List.of();
    }
    String inline = Settings.SECRET.get(p);
    String file = Settings.SECRET_FILE.get(p);
    if (inline != null && file != null) {
      throw new ClusterConfigException("secret", "both secret and secretFile are set", "set only one of them");
    }
    String tool = "java -jar <baton jar> keygen <file>";
    List<String> encoded = new ArrayList<>();
    if (file != null) {
      try {
        encoded.addAll(SecretFile.read(Path.of(file)));
      } catch (IOException e) {
        throw new ClusterConfigException("secretFile", "cannot read " + file + " (" + e.getMessage() + ")",
            "point it to a readable file made by '" + tool + "'");
      }
    } else if (inline != null) {
      for (String part : inline.split(",")) {
        if (!part.isBlank()) {
          encoded.add(part.strip());
        }
      }
    }
    if (encoded.isEmpty()) {
      throw new ClusterConfigException("secret", "no cluster secret: cluster traffic is encrypted and authenticated by default",
          "make one with '" + tool + "' and set secretFile to it, "
              + "or set encryption=none to run in plaintext (not for production)");
    }
    String setting = file != null ? "secretFile" : "secret";
    List<byte[]> out = new ArrayList<>();
    for (String b64 : encoded) {
      byte[] s;
      try {
        s = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw new ClusterConfigException(setting, "a secret is not base64", "use what '" + tool + "' writes");
      }
      if (s.length < 32) {
        throw new ClusterConfigException(setting, "a secret has " + s.length + " bytes, at least 32 are needed",
            "use what '" + tool + "' writes");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /**
   * The hash that places keys: the same on every node of the cluster, whatever secrets each holds
   * while a new one is rolled through it, so seeded from the cluster name. (Outsiders can predict
   * where a key lives, but not insert one: session, TLS and single sign-on ids are the server's.)
   */
  public BuzHash keyHash() {
    return BuzHash.withSeed(("baton-placement/" + clusterName).getBytes(StandardCharsets.UTF_8));
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
  public int syncMissesToExclude() { return syncMissesToExclude; }
  /** The keys of each cluster secret, the sealing one first; empty when the operator opted out of encryption. */
  List<KeyMaterial> keys() {
    return secrets.stream().map(s -> new KeyMaterial(s, clusterName)).toList();
  }
  public boolean encrypted() { return !secrets.isEmpty(); }
  public Duration pullTimeout() { return pullTimeout; }
  public Duration stateTransferTimeout() { return stateTransferTimeout; }
  public Duration sweepInterval() { return sweepInterval; }
  public Duration touchInterval() { return touchInterval; }
  public Duration tombstoneTtl() { return tombstoneTtl; }
  public Duration tombstoneTtlNoTimeout() { return tombstoneTtlNoTimeout; }
  public Duration tlsKeyRotation() { return tlsKeyRotation; }
  public Duration tlsTicketLifetime() { return tlsTicketLifetime; }
  public long nearCacheBytes() { return nearCacheBytes; }
  public Duration tlsSessionCacheTimeout() { return tlsSessionCacheTimeout; }
  public long tlsSessionCacheBytes() { return tlsSessionCacheBytes; }
  public long attributeMaxBytes() { return attributeMaxBytes; }
  /** Whether web applications' own classes may obtain this node ({@link ClusterNodes}). */
  public boolean webAppAccess() { return webAppAccess; }
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
