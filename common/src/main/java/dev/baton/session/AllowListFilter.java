package dev.baton.session;

import java.io.ObjectInputFilter;
import java.util.List;

/**
 * The deserialization allow-list for session attributes: a class is admitted only if a pattern
 * admits it; anything undecided is rejected. Patterns use the JDK's {@code jdk.serialFilter} syntax
 * ({@code java.util.*} a package, {@code com.shop.**} a package and its subpackages,
 * {@code com.shop.Cart} one class, {@code !…} an explicit rejection; the first match wins). Arrays
 * are judged by their element type; arrays of primitives are admitted. A pattern that admits
 * everything, or a whole top-level package ({@code *}, {@code com.*}, {@code org.**}), is refused:
 * gadget classes live there. Graph limits reject oversized graphs before they are built: depth
 * {@value #MAX_DEPTH}, {@value #MAX_REFS} references, and no more bytes (nor array elements) than
 * the attribute byte limit.
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

  /** Deepest nesting of objects in one attribute (a cart of lines of products is depth 4 or so). */
  public static final int MAX_DEPTH = 32;
  /** Most objects and back-references in one attribute. */
  public static final int MAX_REFS = 100_000;
  /** The attribute byte limit when none is given (the {@code attributeMaxBytes} default). */
  public static final long DEFAULT_MAX_BYTES = 1 << 20;

  private final List<String> patterns;
  private final long maxBytes;
  private final ObjectInputFilter patternFilter;

  /**
   * @param patterns allow-list patterns, tried in order; the {@link #DEFAULT_PATTERNS} are not added
   *     implicitly
   * @param maxBytes the most bytes one serialized attribute may have; no array may be longer either
   * @throws IllegalArgumentException naming the bad pattern
   */
  public AllowListFilter(List<String> patterns, long maxBytes) {
    this.patterns = List.copyOf(patterns);
    this.maxBytes = maxBytes;
    checkPatterns(this.patterns);
    String limits = "maxdepth=" + MAX_DEPTH + ";maxrefs=" + MAX_REFS + ";maxbytes=" + maxBytes + ";maxarray=" + maxBytes;
    String spec = String.join(";", this.patterns) + (this.patterns.isEmpty() ? "" : ";") + limits;
    try {
      this.patternFilter = ObjectInputFilter.Config.createFilter(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("attributeAllowList: " + e.getMessage(), e);
    }
  }

  /**
   * Checks allow-list patterns as the constructor does, for configuration read before the limits
   * are known.
   *
   * @throws IllegalArgumentException naming the bad pattern and the fix
   */
  public static void checkPatterns(List<String> patterns) {
    for (String p : patterns) {
      if (p.isBlank() || p.contains(";") || p.contains("=") || p.contains("/")) {
        throw new IllegalArgumentException("attributeAllowList: '" + p + "' is not a class pattern; "
            + "use one pattern per entry such as 'com.shop.*' or 'com.shop.**'");
      }
      if (tooWide(p)) {
        throw new IllegalArgumentException("attributeAllowList: '" + p + "' admits every class of a whole"
            + " top-level package or more, gadget classes included; name your application's own packages,"
            + " such as 'com.shop.*' or 'com.shop.**', or single classes");
      }
    }
  }

  /**
   * A wildcard pattern must name at least two package levels before its wildcard ({@code com.shop.*},
   * {@code com.shop**}); a rejection ({@code !…}) may be as wide as it likes.
   */
  private static boolean tooWide(String pattern) {
    if (pattern.startsWith("!") || !pattern.endsWith("*")) {
      return false;
    }
    String prefix = pattern.substring(0, pattern.indexOf('*'));
    long levels = java.util.Arrays.stream(prefix.split("\\.")).filter(level -> !level.isEmpty()).count();
    return levels < 2;
  }

  /** The JDK defaults plus {@code extra}, with attributes of at most {@code maxBytes}. */
  public static AllowListFilter defaultsPlus(List<String> extra, long maxBytes) {
    return new AllowListFilter(concat(DEFAULT_PATTERNS, extra), maxBytes);
  }

  /** The most bytes one serialized attribute may have. */
  public long maxBytes() {
    return maxBytes;
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
      if (c.isPrimitive() || status == Status.ALLOWED || isAllowedProxy(c)) {
        return Status.ALLOWED;
      }
      remember(info.serialClass());
      return Status.REJECTED;
    }

    /**
     * A dynamic proxy's class is made at run time and has no name to list: it is allowed when each
     * of its interfaces is (its invocation handler is checked as any other object of the graph).
     * {@code java.lang.reflect.Proxy} itself is the superclass every such stream names, holding only
     * the handler.
     */
    private boolean isAllowedProxy(Class<?> c) {
      if (c == java.lang.reflect.Proxy.class) {
        return true;
      }
      if (!java.lang.reflect.Proxy.isProxyClass(c)) {
        return false;
      }
      for (Class<?> i : c.getInterfaces()) {
        if (patternFilter.checkInput(new ClassOnly(i)) != Status.ALLOWED) {
          return false;
        }
      }
      return true;
    }

    private void remember(Class<?> c) {
      if (rejected == null) {
        rejected = c == null ? "(graph limit exceeded)" : c.getName();
      }
    }
  }

  /** A filter question about one class alone, with no graph figures. */
  private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
    @Override public long arrayLength() { return -1; }
    @Override public long depth() { return 1; }
    @Override public long references() { return 1; }
    @Override public long streamBytes() { return 0; }
  }
}
