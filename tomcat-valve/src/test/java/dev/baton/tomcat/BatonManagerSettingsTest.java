package dev.baton.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cluster.ClusterConfigException;
import dev.baton.session.SessionValues;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatonManagerSettingsTest {

  @Test
  void immutableValuesAreNotResentWhenMerelyRead() {
    assertThat(SessionValues.isImmutable("x")).isTrue();
    assertThat(SessionValues.isImmutable(42L)).isTrue();
    assertThat(SessionValues.isImmutable(java.time.Instant.EPOCH)).isTrue();
    assertThat(SessionValues.isImmutable(Thread.State.NEW)).as("enums").isTrue();
    assertThat(SessionValues.isImmutable(new ArrayList<String>())).as("a cart list can change in place").isFalse();
    assertThat(SessionValues.isImmutable(new byte[1])).isFalse();
  }

  @Test
  void dirtyPolicyIsParsedOrNamedInTheError() {
    BatonManager m = new BatonManager();
    m.setProperty("dirtyPolicy", "set-only");
    m.readSettings();
    assertThat(m.dirtyPolicy()).isEqualTo(DirtyPolicy.SET_ONLY);
    m.setProperty("dirtyPolicy", "ACCESSED");
    m.readSettings();
    assertThat(m.dirtyPolicy()).isEqualTo(DirtyPolicy.ACCESSED);
    m.setProperty("dirtyPolicy", "sometimes");
    assertThatThrownBy(m::readSettings).isInstanceOf(ClusterConfigException.class).hasMessageContaining("dirtyPolicy");
  }

  @Test
  void maxIdleSwapIsSecondsOrNamedInTheError() {
    BatonManager m = new BatonManager();
    m.readSettings();
    assertThat(m.swapsOut()).as("as soon as no request uses it, by default").isTrue();
    m.setProperty("maxIdleSwap", " 0 ");
    m.readSettings();
    assertThat(m.swapsOut()).isTrue();
    m.setProperty("maxIdleSwap", "-1");
    m.readSettings();
    assertThat(m.swapsOut()).isFalse();
    for (String bad : List.of("-2", "soon")) {
      m.setProperty("maxIdleSwap", bad);
      assertThatThrownBy(m::readSettings).as(bad)
          .isInstanceOf(ClusterConfigException.class).hasMessageContaining("maxIdleSwap").hasMessageContaining("-1");
    }
  }

  @Test
  void aManagerTakesItsClustersSettingsAndItsOwnOverThem() {
    BatonCluster c = new BatonCluster();
    c.setProperty("clusterName", "shop");
    c.setProperty("dirtyPolicy", "set_only");
    c.setProperty("maxIdleSwap", "-1");
    BatonManager m = (BatonManager) c.createManager("ctx");
    assertThat(c.getClusterName()).isEqualTo("shop");
    assertThat(m.readSettings()).containsEntry("clusterName", "shop");
    assertThat(m.dirtyPolicy()).isEqualTo(DirtyPolicy.SET_ONLY);
    assertThat(m.swapsOut()).as("the cluster's maxIdleSwap=-1 over the default").isFalse();
    m.setProperty("dirtyPolicy", "accessed");
    m.readSettings();
    assertThat(m.dirtyPolicy()).isEqualTo(DirtyPolicy.ACCESSED);
  }

  @Test
  void anAttributeThatIsNoSettingFailsTheStartWithItsName() {
    BatonManager m = new BatonManager();
    m.setProperty("writeMod", "sync");
    assertThatThrownBy(m::readSettings).isInstanceOf(ClusterConfigException.class).hasMessageContaining("writeMod");
  }
}
