package dev.baton.session;

import java.io.ObjectInputFilter;
import java.util.List;

/**
 * The deserialization allow-list for session attributes: a class is admitted only if a pattern
 * admits it; anything undecided is rejected. Patterns use the JDK's {@code jdk.serialFilter} syntax
 * ({@code java.util.*} a package, {@code com.shop.**} a package and its subpackages,
 * {@code com.shop.Cart} one class, {@code !…} an explicit rejection; the first match wins). Arrays
 * are judged by their element type; arrays of primitives are admitted. Graph limits (depth,
 * references, array length) reject oversized object graphs.
 *
 * <p>Immutable; {@link #forOneRead()} gives a per-read filter that remembers the rejected class so
 * the error can name it.
 */
public final class AllowListFilter {

  /**
   * JDK value types and collections: enough for strings, numbers, dates and collections of them.
   * {@code java.net.URL} is left out on purpose (its {@code hashCode} resolves host names).
   */
  public static final List<String> DEFAULT_PATTERNS = List.of(
      "java.lang.*", "java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*",
      "java.time.*", "java.math.*", "java.net.URI", "java.net.InetAddress", "java.net.Inet4Address",
      "java.net.Inet6Address");

  private static final String LIMITS = "maxdepth=64;maxrefs=1000000;maxarray=16777216";

  private final List<String> patterns;
  private final ObjectInputFilter patternFilter;

  /**
   * @param patterns allow-list patterns, tried in order; the {@link #DEFAULT_PATTERNS} are not added
   *     implicitly
   * @throws IllegalArgumentException naming the bad pattern
   */
  public AllowListFilter(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    for (String p : this.patterns) {
      if (p.isBlank() || p.contains(";") || p.contains("=")) {
        throw new IllegalArgumentException("attributeAllowList: '" + p + "' is not a class pattern; "
            + "use one pattern per entry such as 'com.shop.*' or 'com.shop.**'");
      }
    }
    String spec = String.join(";", this.patterns) + (this.patterns.isEmpty() ? "" : ";") + LIMITS;
    try {
      this.patternFilter = ObjectInputFilter.Config.createFilter(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("attributeAllowList: " + e.getMessage(), e);
    }
  }

  /** The JDK defaults plus {@code extra}. */
  public static AllowListFilter defaultsPlus(List<String> extra) {
    return new AllowListFilter(concat(DEFAULT_PATTERNS, extra));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** A filter for one stream that remembers the first class it rejected. */
  Recording forOneRead() {
    return new Recording();
  }

  /** Per-stream filter. Not thread-safe, as an ObjectInputStream is not. */
  final class Recording implements ObjectInputFilter {
    private String rejected;

    String rejectedClass() {
      return rejected;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Status status = patternFilter.checkInput(info);
      if (status == Status.REJECTED) {
        remember(info.serialClass());
        return status;
      }
      Class<?> c = info.serialClass();
      if (c == null) {
        return Status.ALLOWED; // a limits-only check that passed
      }
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (c.isPrimitive() || status == Status.ALLOWED) {
        return Status.ALLOWED;
      }
      remember(info.serialClass());
      return Status.REJECTED;
    }

    private void remember(Class<?> c) {
      if (rejected == null) {
        rejected = c == null ? "(graph limit exceeded)" : c.getName();
      }
    }
  }
}
