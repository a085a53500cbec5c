package dev.baton.cluster;

import dev.baton.wire.KeyMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jgroups.JChannel;
import org.jgroups.conf.ConfiguratorFactory;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.conf.ProtocolStackConfigurator;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.ProtocolStack;

/**
 * Builds the JGroups channel of a node from a stack file: a bundled one ({@code udp}, {@code tcp})
 * or the operator's. {@code ${baton.*}} placeholders are filled from the settings. Unless the
 * operator opted out, the stack's transport becomes Baton's sealed one ({@link SealedUdp},
 * {@link SealedTcp}: every datagram and frame in an {@link dev.baton.wire.Envelope}, opened before
 * JGroups parses it), and an {@code AUTH} protocol with a {@link SecretToken} is inserted below
 * GMS. JGroups' SYM_ENCRYPT, which encrypts payloads only, is not used.
 */
public final class ChannelFactory {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{baton\\.([A-Za-z]+)(?::([^}]*))?}");

  private ChannelFactory() {}

  /**
   * A bare JGroups channel of the stack a node of these settings would use, with the same AUTH
   * token keyed from the secret but without Baton's envelope (JGroups' own UDP or TCP) and without
   * Baton on top: the baseline for measuring Baton's overhead over the engine. Not connected.
   */
  public static JChannel rawChannel(ClusterSettings s) throws Exception {
    return build(s, s.encrypted() ? s.keys().get(0) : null, false);
  }

  /**
   * The channel of a node: the stack's transport replaced by Baton's {@link SealedTransport} and an
   * AUTH token inserted below GMS, unless {@code keys} is null (the operator chose plaintext).
   *
   * @throws ClusterConfigException if the stack cannot carry an encrypted cluster
   */
  static JChannel create(ClusterSettings s, KeyMaterial keys) throws Exception {
    return build(s, keys, keys != null);
  }

  private static JChannel build(ClusterSettings s, KeyMaterial keys, boolean seal) throws Exception {
    String xml = fill(readStack(s.stack()), placeholders(s), s.stack());
    ProtocolStackConfigurator config = ConfiguratorFactory.getStackConfigurator(
        new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    if (seal) {
      List<ProtocolConfiguration> protocols = config.getProtocolStack();
      ProtocolConfiguration transport = protocols.get(0);
      protocols.set(0, new ProtocolConfiguration(sealedTransport(transport.getProtocolName(), s.stack()),
          transport.getProperties()));
    }
    JChannel ch = new JChannel(config);
    ProtocolStack stack = ch.getProtocolStack();
    if (keys != null && stack.findProtocol(AUTH.class) == null) {
      if (stack.findProtocol(GMS.class) == null) {
        ch.close();
        throw new ClusterConfigException("stack", "stack " + s.stack() + " has no pbcast.GMS",
            "Baton needs GMS (group membership); start from the bundled udp or tcp stack");
      }
      AUTH auth = new AUTH();
      SecretToken token = new SecretToken(s.keys().stream().map(KeyMaterial::authKey).toList(), s.clusterName());
      auth.setAuthToken(token);
      token.setAuth(auth);
      stack.insertProtocol(auth, ProtocolStack.Position.BELOW, GMS.class);
      // The stack was initialised when the channel was built; a protocol inserted later is not.
      auth.init();
    }
    return ch;
  }

  /** The class of Baton's sealed transport in place of the stack's {@code transport}. */
  private static String sealedTransport(String transport, String stackName) {
    return switch (transport) {
      case "UDP", "org.jgroups.protocols.UDP", "dev.baton.cluster.SealedUdp" -> SealedUdp.class.getName();
      case "TCP", "org.jgroups.protocols.TCP", "dev.baton.cluster.SealedTcp" -> SealedTcp.class.getName();
      default -> throw new ClusterConfigException("stack", "stack " + stackName + " runs on " + transport
          + ", which Baton cannot seal", "use UDP or TCP as the transport (Baton seals every datagram and frame"
              + " of an encrypted cluster), or encryption=none");
    };
  }

  private static String readStack(String stack) throws IOException {
    if (stack.equals("udp") || stack.equals("tcp")) {
      try (InputStream in = ChannelFactory.class.getResourceAsStream(stack + ".xml")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return Files.readString(Path.of(stack));
  }

  private static Map<String, String> placeholders(ClusterSettings s) throws IOException {
    boolean loopback = InetAddress.getByName(s.bindAddress()).isLoopbackAddress();
    return Map.of(
        "bindAddress", s.bindAddress(),
        "mcastAddress", s.mcastAddress(),
        "mcastPort", Integer.toString(s.mcastPort()),
        // Multicast from a loopback address must not leave the host.
        "ipTtl", loopback ? "0" : "8",
        "tcpPort", Integer.toString(s.tcpPort()),
        "initialHosts", s.initialHosts(),
        "joinTimeout", loopback ? "500ms" : "2s");
  }

  static String fill(String xml, Map<String, String> values, String stackName) {
    Matcher m = PLACEHOLDER.matcher(xml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        v = m.group(2);
      }
      if (v == null) {
        throw new ClusterConfigException("stack", "stack " + stackName + " uses ${baton." + m.group(1) + "}, which is not a setting",
            "use one of " + values.keySet() + " or give a default as ${baton.name:default}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
