package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.session.fixtures.Cart;
import dev.baton.session.fixtures.Gadget;
import java.io.Serializable;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeSerializerTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final AttributeSerializer defaults = new AttributeSerializer(AllowListFilter.defaultsPlus(List.of(), AllowListFilter.DEFAULT_MAX_BYTES));
  private final AttributeSerializer withCart =
      new AttributeSerializer(AllowListFilter.defaultsPlus(List.of("dev.baton.session.fixtures.Cart"),
          AllowListFilter.DEFAULT_MAX_BYTES));

  @Test
  void jdkValueTypesRoundTripWithTheDefaults() {
    Map<String, Object> m = new HashMap<>();
    m.put("total", new BigDecimal("12.50"));
    m.put("when", Instant.ofEpochSecond(1_700_000_000));
    m.put("ids", new int[] {1, 2, 3});
    m.put("tags", List.of("a", "b"));
    m.put("matrix", new long[][] {{1}, {2, 3}});
    Object back = defaults.deserialize("m", defaults.serialize("m", new HashMap<>(m)), loader);
    assertThat(back).usingRecursiveComparison().isEqualTo(m);
  }

  @Test
  void classOutsideTheAllowListIsRejectedBeforeItsCodeRuns() {
    byte[] bytes = defaults.serialize("evil", new Gadget());
    int before = Gadget.READS.get();
    assertThatThrownBy(() -> defaults.deserialize("evil", bytes, loader))
        .isInstanceOf(RejectedAttributeClassException.class)
        .hasMessageContaining("'evil'")
        .hasMessageContaining(Gadget.class.getName())
        .hasMessageContaining("attributeAllowList")
        .satisfies(e -> assertThat(((AttributeException) e).className()).isEqualTo(Gadget.class.getName()));
    assertThat(Gadget.READS.get()).isEqualTo(before);
  }

  @Test
  void disallowedClassNestedInAllowedCollectionIsRejectedToo() {
    ArrayList<Object> list = new ArrayList<>(List.of("ok", new Gadget()));
    byte[] bytes = defaults.serialize("list", list);
    assertThatThrownBy(() -> defaults.deserialize("list", bytes, loader))
        .isInstanceOf(RejectedAttributeClassException.class)
        .hasMessageContaining(Gadget.class.getName());
    Gadget[] array = {new Gadget()};
    byte[] arrayBytes = defaults.serialize("arr", array);
    assertThatThrownBy(() -> defaults.deserialize("arr", arrayBytes, loader))
        .isInstanceOf(RejectedAttributeClassException.class);
  }

  @Test
  void urlIsNotInTheDefaults() throws Exception {
    byte[] bytes = defaults.serialize("u", new URL("http://example.invalid/"));
    assertThatThrownBy(() -> defaults.deserialize("u", bytes, loader))
        .isInstanceOf(RejectedAttributeClassException.class);
  }

  @Test
  void nonSerializableValueNamesTheAttributeAndTheClass() {
    class Holder implements Serializable {
      private static final long serialVersionUID = 1L;
      final Object inner = new Object();
    }
    assertThatThrownBy(() -> defaults.serialize("cart", new Holder()))
        .isInstanceOf(NotSerializableAttributeException.class)
        .hasMessageContaining("'cart'")
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void webappPrivateClassResolvesThroughTheGivenLoaderOnly() throws Exception {
    // A loader that sees the fixture classes itself, the way a webapp loader sees WEB-INF/classes.
    URL classes = Path.of(Cart.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
    try (URLClassLoader webapp = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      Class<?> cartClass = webapp.loadClass(Cart.class.getName());
      assertThat(cartClass).isNotSameAs(Cart.class);
      Object cart = cartClass.getConstructor().newInstance();
      @SuppressWarnings("unchecked")
      List<String> items = (List<String>) cartClass.getField("items").get(cart);
      items.add("book");
      byte[] bytes = withCart.serialize("cart", cart);

      Object back = withCart.deserialize("cart", bytes, webapp);
      assertThat(back.getClass()).isSameAs(cartClass);
      assertThat(cartClass.getField("items").get(back)).isEqualTo(List.of("book"));

      try (URLClassLoader other = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
        assertThatThrownBy(() -> withCart.deserialize("cart", bytes, other))
            .isInstanceOf(UnreadableAttributeException.class)
            .hasMessageContaining("'cart'")
            .hasMessageContaining(Cart.class.getName());
      }
    }
  }

  @Test
  void corruptBytesGiveAnUnreadableAttributeError() {
    byte[] bytes = defaults.serialize("n", 42);
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> defaults.deserialize("n", cut, loader))
        .isInstanceOf(UnreadableAttributeException.class).hasMessageContaining("'n'");
    assertThatThrownBy(() -> defaults.deserialize("n", new byte[] {1, 2, 3}, loader))
        .isInstanceOf(UnreadableAttributeException.class);
  }

  @Test
  void deepGraphsHitTheDepthLimit() {
    Object[] deep = new Object[1];
    Object[] cur = deep;
    for (int i = 0; i < 200; i++) {
      Object[] next = new Object[1];
      cur[0] = next;
      cur = next;
    }
    byte[] bytes = defaults.serialize("deep", deep);
    assertThatThrownBy(() -> defaults.deserialize("deep", bytes, loader))
        .isInstanceOf(AttributeException.class);
  }

  @Test
  void malformedPatternsNameTheSetting() {
    assertThatThrownBy(() -> new AllowListFilter(List.of("com.shop.*;maxdepth=1"), 1024))
        .hasMessageContaining("attributeAllowList");
    assertThatThrownBy(() -> new AllowListFilter(List.of(" "), 1024))
        .hasMessageContaining("attributeAllowList");
  }

  @Test
  void patternsThatAdmitAWholeTopLevelPackageOrMoreAreRefused() {
    for (String wide : List.of("*", "**", "com.*", "org.**", "java.**", "c*", ".*")) {
      assertThatThrownBy(() -> new AllowListFilter(List.of(wide), 1024)).as(wide)
          .hasMessageContaining("attributeAllowList").hasMessageContaining("'" + wide + "'")
          .hasMessageContaining("com.shop.*");
    }
    for (String fine : List.of("com.shop.*", "com.shop.**", "com.shop.Cart", "!*", "!org.**", "com.shop*")) {
      new AllowListFilter(List.of(fine), 1024);
    }
  }

  @Test
  void graphsDeeperThanTheLimitAreRefused() {
    Object[] deep = new Object[1];
    Object[] cur = deep;
    for (int i = 0; i < AllowListFilter.MAX_DEPTH + 8; i++) {
      Object[] next = new Object[1];
      cur[0] = next;
      cur = next;
    }
    byte[] bytes = defaults.serialize("deep", deep);
    assertThatThrownBy(() -> defaults.deserialize("deep", bytes, loader)).isInstanceOf(AttributeException.class)
        .hasMessageContaining("'deep'");
  }

  @Test
  void graphsWithMoreReferencesThanTheLimitAreRefused() {
    AttributeSerializer roomy = new AttributeSerializer(AllowListFilter.defaultsPlus(List.of(), 16 << 20));
    ArrayList<Long> many = new ArrayList<>();
    for (long i = 0; i < AllowListFilter.MAX_REFS + 1000; i++) {
      many.add(1_000_000 + i);
    }
    byte[] bytes = roomy.serialize("many", many);
    assertThatThrownBy(() -> roomy.deserialize("many", bytes, loader)).isInstanceOf(AttributeException.class);
  }

  @Test
  void anAttributeOverTheByteLimitIsRefusedWhenSetAndWhenRead() {
    assertThatThrownBy(() -> defaults.serialize("upload", new byte[(int) AllowListFilter.DEFAULT_MAX_BYTES + 1]))
        .isInstanceOf(OversizedAttributeException.class)
        .hasMessageContaining("'upload'").hasMessageContaining("attributeMaxBytes");
    // A node with a larger limit wrote it: this one refuses it before allocating the array.
    byte[] big = new AttributeSerializer(AllowListFilter.defaultsPlus(List.of(), 16 << 20))
        .serialize("upload", new byte[2 << 20]);
    assertThatThrownBy(() -> defaults.deserialize("upload", big, loader)).isInstanceOf(AttributeException.class)
        .hasMessageContaining("'upload'");
    assertThat(defaults.deserialize("small", defaults.serialize("small", new byte[64 << 10]), loader))
        .isInstanceOf(byte[].class);
  }

  /**
   * A serializable dynamic proxy of an interface only the web application's loader has: read back
   * with that loader, it is a proxy of the application's interface (before, its interfaces were
   * looked up with Baton's loader and the attribute could not be read, or was a proxy of another
   * class of the same name).
   */
  @Test
  void aDynamicProxyOfAnApplicationInterfaceIsRebuiltWithTheApplicationsLoader() throws Exception {
    java.net.URL testClasses = dev.baton.session.fixtures.Greeter.class.getProtectionDomain().getCodeSource().getLocation();
    try (java.net.URLClassLoader app = new java.net.URLClassLoader(new java.net.URL[] {testClasses}, null)) {
      Class<?> greeter = app.loadClass("dev.baton.session.fixtures.Greeter");
      Object handler = app.loadClass("dev.baton.session.fixtures.GreeterHandler").getConstructor(String.class)
          .newInstance("hello");
      Object proxy = java.lang.reflect.Proxy.newProxyInstance(app, new Class<?>[] {greeter},
          (java.lang.reflect.InvocationHandler) handler);
      AttributeSerializer s = new AttributeSerializer(
          AllowListFilter.defaultsPlus(List.of("dev.baton.session.fixtures.*"), AllowListFilter.DEFAULT_MAX_BYTES));
      Object back = s.deserialize("greeter", s.serialize("greeter", proxy), app);
      assertThat(greeter.isInstance(back)).as("a proxy of the application's own interface").isTrue();
      assertThat(greeter.getMethod("greet", String.class).invoke(back, "alice")).isEqualTo("hello, alice");
    }
  }
}
