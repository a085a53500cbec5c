package dev.baton.cluster;

import dev.baton.cluster.Setting.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The texts derived from {@link Settings}: the configuration reference's table, and the Jetty
 * module's property lines (its XML and its ini template). Each lives in its file between a
 * {@link #BEGIN} and an {@link #END} line; tests compare the files with what this renders, and
 * {@code main} rewrites them:
 * {@code java -cp common/target/classes dev.baton.cluster.SettingsReference <file>...}.
 */
public final class SettingsReference {

  /** Starts a generated region (inside a comment of the file's own syntax). */
  public static final String BEGIN = "generated from dev.baton.cluster.Settings: begin";
  /** Ends a generated region. */
  public static final String END = "generated from dev.baton.cluster.Settings: end";

  /** Values the module's ini template sets rather than leaves commented out. */
  private static final Map<String, String> JETTY_TEMPLATE_VALUES = Map.of("secretFile", "${jetty.base}/etc/baton.secret");

  private SettingsReference() {}

  /** The Markdown table of every setting. */
  public static List<String> markdownTable() {
    List<String> out = new ArrayList<>();
    out.add("| setting | default | values | Tomcat | Jetty | meaning |");
    out.add("|---|---|---|:-:|:-:|---|");
    for (Setting<?> s : Settings.ALL) {
      out.add("| `" + s.name() + "` | " + (s.defaultText() == null ? "–" : "`" + s.defaultText() + "`") + " | "
          + s.type().replace("|", "\\|") + " | " + mark(s, Container.TOMCAT) + " | " + mark(s, Container.JETTY)
          + " | " + s.doc().replace("|", "\\|") + " |");
    }
    out.add("");
    out.add("A tiered repository also takes `upstream.<setting>` for the repository cluster above it, for: "
        + String.join(", ", upstreamNames().stream().map(n -> "`" + n + "`").toList()) + ".");
    return out;
  }

  /** The {@code setSetting} calls of the module's XML, one per Jetty setting and upstream variant. */
  public static List<String> jettyXml() {
    List<String> out = new ArrayList<>();
    for (String name : jettyNames()) {
      out.add("        <Call name=\"setSetting\"><Arg>" + name + "</Arg><Arg><Property name=\"baton." + name
          + "\" default=\"\"/></Arg></Call>");
    }
    return out;
  }

  /** The module's ini template: every Jetty setting, documented, commented out unless it must be set. */
  public static List<String> jettyIniTemplate() {
    List<String> out = new ArrayList<>();
    for (Setting<?> s : Settings.ALL) {
      if (!s.containers().contains(Container.JETTY)) {
        continue;
      }
      out.add("## " + s.doc());
      String value = JETTY_TEMPLATE_VALUES.get(s.name());
      out.add(value != null ? "baton." + s.name() + "=" + value
          : "#baton." + s.name() + "=" + (s.defaultText() == null ? "" : s.defaultText()));
    }
    out.add("## A tiered repository: the repository cluster above it (each setting as above, prefixed upstream.)");
    for (String name : upstreamNames()) {
      out.add("#baton." + Settings.UPSTREAM + name + "=");
    }
    return out;
  }

  private static List<String> jettyNames() {
    List<String> out = new ArrayList<>();
    for (Setting<?> s : Settings.ALL) {
      if (s.containers().contains(Container.JETTY)) {
        out.add(s.name());
      }
    }
    for (String name : upstreamNames()) {
      out.add(Settings.UPSTREAM + name);
    }
    return out;
  }

  private static List<String> upstreamNames() {
    return Settings.ALL.stream().filter(Setting::upstream).map(Setting::name).toList();
  }

  private static String mark(Setting<?> s, Container c) {
    return s.containers().contains(c) ? "✓" : "";
  }

  /** The region of {@code lines} between the marker lines, without them; empty if there is none. */
  public static List<String> region(List<String> lines) {
    int begin = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(BEGIN)) {
        begin = i;
      } else if (lines.get(i).contains(END) && begin >= 0) {
        return lines.subList(begin + 1, i);
      }
    }
    return List.of();
  }

  /** What {@code file} should hold in its generated region, chosen by its name. */
  public static List<String> expectedFor(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".md")) {
      return markdownTable();
    }
    if (name.endsWith(".xml")) {
      return jettyXml();
    }
    if (name.endsWith(".mod")) {
      return jettyIniTemplate();
    }
    throw new IllegalArgumentException("no generated region is known for " + file);
  }

  /** Rewrites the generated region of each file. */
  public static void main(String[] files) throws IOException {
    for (String f : files) {
      Path path = Path.of(f);
      List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      List<String> region = region(lines);
      if (region.isEmpty() && lines.stream().noneMatch(l -> l.contains(BEGIN))) {
        throw new IllegalArgumentException(f + " has no line containing '" + BEGIN + "'");
      }
      int from = lines.indexOf(lines.stream().filter(l -> l.contains(BEGIN)).findFirst().orElseThrow()) + 1;
      List<String> out = new ArrayList<>(lines.subList(0, from));
      out.addAll(expectedFor(path));
      out.addAll(lines.subList(from + region.size(), lines.size()));
      Files.write(path, out, StandardCharsets.UTF_8);
    }
  }
}
