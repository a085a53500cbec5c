package dev.baton.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.catalina.core.StandardContext;
import org.junit.jupiter.api.Test;

/** What a flush learns from a session about the attributes a request changed. */
class BatonSessionChangesTest {

  private static BatonSession session() {
    BatonManager manager = new BatonManager();
    manager.setContext(new StandardContext());
    BatonSession s = new BatonSession(manager);
    s.setValid(true);
    return s;
  }

  @Test
  void aSessionNobodyChangedHasNoChanges() {
    BatonSession s = session();
    assertThat(s.hasChanges()).isFalse();
    assertThat(s.takeDirty()).isEmpty();
  }

  /**
   * Regression: a flush cleared the set after reading the attributes, so a change another request
   * of the session made in between was marked clean and not replicated until it changed again.
   * The flush now takes the set before reading; what is set afterwards waits in the next one.
   */
  @Test
  void aChangeMadeAfterAFlushTookTheSetIsInTheNextOne() {
    BatonSession s = session();
    s.setAttribute("cart", "book", false);
    assertThat(s.takeDirty()).containsExactly("cart");
    s.setAttribute("billing", "Lyon", false); // a concurrent request, while the flush serializes
    assertThat(s.hasChanges()).isTrue();
    assertThat(s.takeDirty()).containsExactly("billing");
    assertThat(s.hasChanges()).isFalse();
  }

  @Test
  void removalsCountAsChanges() {
    BatonSession s = session();
    s.setAttribute("cart", "book", false);
    s.takeDirty();
    s.removeAttribute("cart", false);
    assertThat(s.takeDirty()).containsExactly("cart");
  }
}
