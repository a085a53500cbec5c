package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  private static Map<String, String> base() {
    Map<String, String> p = new HashMap<>();
    p.put("secret", TestClusters.SECRET);
    p.put("nodeName", "n1");
    return p;
  }

  private static ClusterConfigException fails(Map<String, String> p) {
    try {
      ClusterSettings.from(p);
    } catch (ClusterConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ClusterConfigException for " + p.keySet());
  }

  @Test
  void defaultsAreSafe() {
    ClusterSettings s = ClusterSettings.from(base());
    assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(s.writeMode()).isEqualTo(WriteMode.SYNC);
    assertThat(s.topology()).isEqualTo(Topology.REPLICATED);
    assertThat(s.encrypted()).isTrue();
    assertThat(s.toString()).doesNotContain(TestClusters.SECRET);
  }

  @Test
  void missingSecretSaysHowToMakeOneOrOptOut() {
    Map<String, String> p = base();
    p.remove("secret");
    ClusterConfigException e = fails(p);
    assertThat(e.setting()).isEqualTo("secret");
    assertThat(e.getMessage()).contains("SecretTool").contains("encryption=none");
    p.put("encryption", "none");
    assertThat(ClusterSettings.from(p).encrypted()).isFalse();
  }

  @Test
  void eachBadSettingIsNamedWithItsFix() {
    Map<String, Map.Entry<String, String>> cases = Map.of(
        "topology", Map.entry("topology", "mesh"),
        "owners", Map.entry("owners", "0"),
        "mcastPort", Map.entry("mcastPort", "port"),
        "bindAddress", Map.entry("bindAddress", "0.0.0.0"),
        "nodeName", Map.entry("nodeName", "node.1"),
        "syncTimeoutAction", Map.entry("syncTimeoutAction", "retry"),
        "stack", Map.entry("stack", "/no/such/stack.xml"),
        "secret", Map.entry("secret", "c2hvcnQ="),
        "writeMod", Map.entry("writeMod", "sync"));
    cases.forEach((setting, kv) -> {
      Map<String, String> p = base();
      p.put(kv.getKey(), kv.getValue());
      ClusterConfigException e = fails(p);
      assertThat(e.setting()).isEqualTo(setting);
      assertThat(e.getMessage()).contains("Fix:");
    });
  }

  @Test
  void upstreamOnlyForATieredRepository() {
    Map<String, String> p = base();
    p.put("upstream.clusterName", "top");
    assertThat(fails(p).setting()).isEqualTo("upstream.*");
    p.put("topology", "tiered");
    p.put("role", "repository");
    ClusterSettings s = ClusterSettings.from(p);
    assertThat(s.upstream().clusterName()).isEqualTo("top");
    assertThat(s.upstream().role()).isEqualTo(ClusterSettings.Role.EDGE);
    assertThat(s.upstream().encrypted()).as("inherits the secret").isTrue();
  }
}
