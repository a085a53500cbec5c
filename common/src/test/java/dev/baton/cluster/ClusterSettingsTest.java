package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
    assertThat(e.getMessage()).contains("java -jar <baton jar>").contains("encryption=none");
    p.put("encryption", "none");
    assertThat(ClusterSettings.from(p).encrypted()).isFalse();
  }

  @Test
  void eachBadSettingIsNamedWithItsFix() {
    // setting named in the error, then the attribute given and its value
    String[][] cases = {
        {"topology", "topology", "mesh"}, {"owners", "owners", "0"}, {"mcastPort", "mcastPort", "port"},
        {"bindAddress", "bindAddress", "0.0.0.0"}, {"nodeName", "nodeName", "node.1"},
        {"syncTimeoutAction", "syncTimeoutAction", "retry"}, {"stack", "stack", "/no/such/stack.xml"},
        {"secret", "secret", "c2hvcnQ="}, {"writeMod", "writeMod", "sync"}, {"dirtyPolicy", "dirtyPolicy", "sometimes"},
        {"maxIdleSwap", "maxIdleSwap", "-2"}, {"upstream.tlsKeyRotation", "upstream.tlsKeyRotation", "1000"}};
    for (String[] c : cases) {
      Map<String, String> p = base();
      p.put(c[1], c[2]);
      ClusterConfigException e = fails(p);
      assertThat(e.setting()).as(c[1]).isEqualTo(c[0]);
      assertThat(e.getMessage()).contains("Fix:");
    }
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

  @Test
  void theContainersNodeNameIsTheDefaultOnly() {
    Map<String, String> p = base();
    p.remove("nodeName");
    assertThat(ClusterSettings.from(p, "route1").nodeName()).isEqualTo("route1");
    p.put("nodeName", "explicit");
    assertThat(ClusterSettings.from(p, "route1").nodeName()).isEqualTo("explicit");
  }

  @Test
  void everySettingHasADocLineAndADefaultThatParses() {
    for (Setting<?> s : Settings.ALL) {
      assertThat(s.doc()).as(s.name()).isNotBlank();
      assertThat(s.containers()).as(s.name()).isNotEmpty();
      if (s.defaultText() != null) {
        assertThat(s.get(Map.of())).as(s.name()).isNotNull();
      }
    }
    assertThat(Settings.ALL.stream().map(Setting::name).distinct().count()).isEqualTo(Settings.ALL.size());
  }

  @Test
  void aContainerRefusesTheSettingsOfTheOtherOne() {
    assertThat(catchThrowableOfType(() -> Settings.check(Map.of("maxIdleSwap", "0"), Setting.Container.JETTY),
        ClusterConfigException.class).setting()).isEqualTo("maxIdleSwap");
    Settings.check(Map.of("maxIdleSwap", "0", "upstream.mcastPort", "1"), Setting.Container.TOMCAT);
  }
}
