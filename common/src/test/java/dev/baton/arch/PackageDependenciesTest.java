package dev.baton.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each package of {@code common} uses only the packages its {@code package-info.java} says it may
 * (checked on the sources' imports and qualified names), so the layering stays as designed: the
 * engine knows no sessions, the table no network, nothing knows the containers.
 */
class PackageDependenciesTest {

  private static final Map<String, Set<String>> MAY_USE = Map.of(
      "hash", Set.of(),
      "state", Set.of(),
      "cache", Set.of("hash", "state"),
      "wire", Set.of("state"),
      "cluster", Set.of("hash", "cache", "state", "wire"),
      "session", Set.of("cluster", "state", "wire"),
      "tls", Set.of("cluster", "state", "wire"));

  private static final Pattern USE = Pattern.compile("\\bdev\\.baton\\.([a-z]+)\\.");
  /** Comments and string literals: a Javadoc or a constant may name what the code does not use. */
  private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\n]*|\"(\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);

  static Stream<String> packages() {
    return MAY_USE.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("packages")
  void usesOnlyWhatItMay(String pkg) throws IOException {
    List<String> violations = new ArrayList<>();
    for (String root : List.of("src/main/java", "src/main/java22")) {
      Path dir = Path.of(root, "dev", "baton", pkg);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = USE.matcher(COMMENT.matcher(Files.readString(f)).replaceAll(""));
          while (m.find()) {
            String used = m.group(1);
            if (!used.equals(pkg) && !MAY_USE.get(pkg).contains(used)) {
              violations.add(f.getFileName() + " uses dev.baton." + used);
            }
          }
        }
      }
    }
    assertThat(violations).as("dev.baton." + pkg + " may use only " + MAY_USE.get(pkg)).isEmpty();
  }
}
