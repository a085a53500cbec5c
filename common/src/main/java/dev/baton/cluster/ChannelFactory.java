package dev.baton.cluster;

import dev.baton.wire.KeyMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.ProtocolStack;

/**
 * Builds the JGroups channel of a node from a stack file: a bundled one ({@code udp}, {@code tcp})
 * or the operator's. {@code ${baton.*}} placeholders are filled from the settings. Unless the
 * operator opted out, an {@code AUTH} protocol with a {@link SecretToken} is inserted below GMS: a
 * node without the secret cannot join. (State payloads are sealed by {@link dev.baton.wire.Frames}, so JGroups'
 * SYM_ENCRYPT, which would encrypt every message a second time, is not used; an operator stack may
 * still add it.)
 */
public final class ChannelFactory {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{baton\\.([A-Za-z]+)(?::([^}]*))?}");

  private ChannelFactory() {}

  /**
   * A bare JGroups channel with exactly the stack a node of these settings would use (including
   * the AUTH token keyed from the secret), without Baton on top: the baseline for measuring Baton's
   * overhead over the engine. Not connected.
   */
  public static JChannel rawChannel(ClusterSettings s) throws Exception {
    return create(s, s.encrypted() ? new KeyMaterial(s.secret()).authKey() : null);
  }

  static JChannel create(ClusterSettings s, byte[] authKey) throws Exception {
    String xml = fill(readStack(s.stack()), placeholders(s), s.stack());
    JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    ProtocolStack stack = ch.getProtocolStack();
    if (authKey != null && stack.findProtocol(AUTH.class) == null) {
      if (stack.findProtocol(GMS.class) == null) {
        ch.close();
        throw new ClusterConfigException("stack", "stack " + s.stack() + " has no pbcast.GMS",
            "Baton needs GMS (group membership); start from the bundled udp or tcp stack");
      }
      AUTH auth = new AUTH();
      SecretToken token = new SecretToken(authKey);
      auth.setAuthToken(token);
      token.setAuth(auth);
      stack.insertProtocol(auth, ProtocolStack.Position.BELOW, GMS.class);
      // The stack was initialised when the channel was built; a protocol inserted later is not.
      auth.init();
    }
    return ch;
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
