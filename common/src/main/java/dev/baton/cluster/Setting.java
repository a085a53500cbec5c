package dev.baton.cluster;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One Baton setting: its name, type, default, validation and documentation, and where it can be
 * set. The list of them is {@link Settings}; Tomcat's attributes, Jetty's {@code baton.*}
 * properties and the configuration reference are all derived from it.
 *
 * @param <T> the type of the parsed value
 */
public final class Setting<T> {

  /** Where a setting can be given. */
  public enum Container { TOMCAT, JETTY }

  private final String name;
  private final String type;
  private final String defaultText;
  private final String doc;
  private final Set<Container> containers;
  private final boolean upstream;
  private final Function<String, T> parser;

  private Setting(String name, String type, String defaultText, String doc, Set<Container> containers,
      boolean upstream, Function<String, T> parser) {
    this.name = name;
    this.type = type;
    this.defaultText = defaultText;
    this.doc = doc;
    this.containers = containers;
    this.upstream = upstream;
    this.parser = parser;
  }

  public String name() { return name; }

  /** The kind of value, for the reference: {@code ms}, {@code bytes}, {@code on|off}, the choices, … */
  public String type() { return type; }

  /** The default as text, or null when there is none or it is derived (the doc says how). */
  public String defaultText() { return defaultText; }

  /** One line for the reference. */
  public String doc() { return doc; }

  public Set<Container> containers() { return containers; }

  /** Whether a tiered repository also takes it as {@code upstream.<name>} for the cluster above. */
  public boolean upstream() { return upstream; }

  /**
   * The value of this setting in {@code raw} (its default when absent or blank).
   *
   * @throws ClusterConfigException naming this setting and the fix, for a bad value
   */
  public T get(Map<String, String> raw) {
    String v = raw.get(name);
    if (v == null || v.isBlank()) {
      v = defaultText;
    }
    return v == null ? null : parser.apply(v.trim());
  }

  /** The same setting, available only in {@code only}. */
  Setting<T> in(Container only) {
    return new Setting<>(name, type, defaultText, doc, EnumSet.of(only), upstream, parser);
  }

  /** The same setting, not taken as {@code upstream.<name>}. */
  Setting<T> notUpstream() {
    return new Setting<>(name, type, defaultText, doc, containers, false, parser);
  }

  @Override
  public String toString() {
    return name;
  }

  // ------------------------------------------------------------------ kinds of setting

  static Setting<String> text(String name, String def, String doc) {
    return checked(name, "text", def, doc, v -> v);
  }

  static Setting<Integer> integer(String name, int def, int min, int max, String doc) {
    return new Setting<>(name, "number", Integer.toString(def), doc, EnumSet.allOf(Container.class), true,
        v -> (int) whole(name, v, min, max));
  }

  static Setting<Long> bytes(String name, long def, String doc) {
    return bytes(name, def, 0, Long.MAX_VALUE, doc);
  }

  static Setting<Long> bytes(String name, long def, long min, long max, String doc) {
    return new Setting<>(name, "bytes", Long.toString(def), doc, EnumSet.allOf(Container.class), true,
        v -> whole(name, v, min, max));
  }

  /** A duration in milliseconds, from 1 ms to a day. */
  static Setting<java.time.Duration> millis(String name, long def, String doc) {
    return new Setting<>(name, "ms", Long.toString(def), doc, EnumSet.allOf(Container.class), true,
        v -> java.time.Duration.ofMillis(whole(name, v, 1, 24L * 3600 * 1000)));
  }

  static <E extends Enum<E>> Setting<E> choice(String name, E def, Class<E> type, String doc) {
    String choices = String.join("|", names(type.getEnumConstants()));
    return new Setting<>(name, choices, def.name().toLowerCase(Locale.ROOT), doc, EnumSet.allOf(Container.class),
        true, v -> {
          try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
          } catch (IllegalArgumentException e) {
            throw new ClusterConfigException(name, "'" + v + "' is not a choice",
                "use one of " + Arrays.toString(names(type.getEnumConstants())));
          }
        });
  }

  static Setting<Boolean> onOff(String name, boolean def, String doc) {
    return new Setting<>(name, "on|off", def ? "on" : "off", doc, EnumSet.allOf(Container.class), true,
        v -> switch (v.toLowerCase(Locale.ROOT)) {
          case "on", "true" -> true;
          case "off", "false", "none" -> false;
          default -> throw new ClusterConfigException(name, "'" + v + "' is not a choice", "use on or off");
        });
  }

  /** Comma-separated entries, blanks dropped. */
  static Setting<List<String>> list(String name, String doc) {
    return new Setting<>(name, "comma-separated", null, doc, EnumSet.allOf(Container.class), true,
        v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
  }

  /** Text checked by {@code check}, which throws a {@link ClusterConfigException} for a bad value. */
  static Setting<String> checked(String name, String type, String def, String doc, Function<String, String> check) {
    return new Setting<>(name, type, def, doc, EnumSet.allOf(Container.class), true, check);
  }

  private static String[] names(Enum<?>[] values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i].name().toLowerCase(Locale.ROOT);
    }
    return out;
  }

  private static long whole(String name, String v, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new ClusterConfigException(name, v + " is out of range", "use a whole number from " + min + " to " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ClusterConfigException(name, "'" + v + "' is not a whole number",
          "use a whole number from " + min + " to " + max);
    }
  }
}
