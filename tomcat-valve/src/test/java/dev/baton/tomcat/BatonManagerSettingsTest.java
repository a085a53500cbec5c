package dev.baton.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cluster.ClusterConfigException;
import dev.baton.state.SessionValues;
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
    m.setDirtyPolicy("set-only");
    assertThat(m.dirtyPolicy()).isEqualTo(DirtyPolicy.SET_ONLY);
    m.setProperty("dirtyPolicy", "ACCESSED");
    assertThat(m.dirtyPolicy()).isEqualTo(DirtyPolicy.ACCESSED);
    assertThatThrownBy(() -> m.setDirtyPolicy("sometimes"))
        .isInstanceOf(ClusterConfigException.class).hasMessageContaining("dirtyPolicy");
  }

  @Test
  void maxIdleSwapIsSecondsOrNamedInTheError() {
    BatonManager m = new BatonManager();
    assertThat(m.swapsOut()).as("never, by default").isFalse();
    m.setProperty("maxIdleSwap", " 0 ");
    assertThat(m.swapsOut()).isTrue();
    m.setMaxIdleSwap("-1");
    assertThat(m.swapsOut()).isFalse();
    for (String bad : List.of("-2", "soon", "")) {
      assertThatThrownBy(() -> m.setMaxIdleSwap(bad)).as(bad)
          .isInstanceOf(ClusterConfigException.class).hasMessageContaining("maxIdleSwap").hasMessageContaining("-1");
    }
  }

  @Test
  void clusterElementTakesEveryAttributeAsASetting() {
    BatonCluster c = new BatonCluster();
    assertThat(c.setProperty("clusterName", "shop")).isTrue();
    assertThat(c.setProperty("dirtyPolicy", "set_only")).isTrue();
    assertThat(c.setProperty("attributeAllowList", "com.shop.*")).isTrue();
    assertThat(c.setProperty("maxIdleSwap", "0")).isTrue();
    assertThat(c.getClusterName()).isEqualTo("shop");
    assertThat(c.dirtyPolicy()).isEqualTo("set_only");
    assertThat(c.attributeAllowList()).isEqualTo("com.shop.*");
    assertThat(c.maxIdleSwap()).isEqualTo("0");
    assertThat(List.of(c.createManager("ctx"))).singleElement().isInstanceOf(BatonManager.class);
  }
}
