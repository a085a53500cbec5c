package dev.baton.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StateKeyTest {

  @Test
  void tomcatAndJettyNamesOfOneSessionGiveOneKey() {
    // Tomcat: default host, context "/shop", id with jvmRoute. Jetty: vhost 0.0.0.0, "/shop/", worker suffix.
    StateKey tomcat = StateKey.httpSession(null, "/shop", "8F3A9C.node1");
    StateKey jetty = StateKey.httpSession("0.0.0.0", "/shop/", "8F3A9C.node2");
    assertThat(tomcat).isEqualTo(jetty);
    assertThat(tomcat.toBytes()).isEqualTo(jetty.toBytes());
    assertThat(tomcat.id()).isEqualTo("8F3A9C");
    assertThat(tomcat.scope()).isEqualTo("/shop");
  }

  @Test
  void rootContextAndHostsNormalise() {
    assertThat(StateKey.webappScope("", "")).isEqualTo("/");
    assertThat(StateKey.webappScope(null, "/")).isEqualTo("/");
    assertThat(StateKey.webappScope("Shop.Example.COM", "app")).isEqualTo("shop.example.com/app");
  }

  @Test
  void bytesRoundTripAndKindsStayApart() {
    StateKey k = new StateKey(StateKind.TLS_SESSION, "", "abc\u00e9");
    assertThat(StateKey.fromBytes(k.toBytes())).isEqualTo(k);
    assertThat(new StateKey(StateKind.SSO, "h", "x").toBytes())
        .isNotEqualTo(new StateKey(StateKind.TRANSFER, "h", "x").toBytes());
    // Scope and id are length-delimited: ("ab","c") and ("a","bc") differ.
    assertThat(new StateKey(StateKind.SSO, "ab", "c").toBytes())
        .isNotEqualTo(new StateKey(StateKind.SSO, "a", "bc").toBytes());
  }

  @Test
  void malformedKeyBytesAreRejected() {
    assertThatThrownBy(() -> StateKey.fromBytes(new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StateKey.fromBytes(new byte[] {99, 0, 0})).hasMessageContaining("kind");
    assertThatThrownBy(() -> StateKey.fromBytes(new byte[] {1, 0, 9, 'a'})).hasMessageContaining("scope");
  }
}
