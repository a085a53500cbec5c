package dev.baton.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cluster.SettingsReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The module's XML and ini template list every Jetty setting exactly as {@code Settings} does. On a
 * failure, regenerate them: {@code java -cp common/target/classes dev.baton.cluster.SettingsReference
 * jetty-sessions/src/main/jetty/etc/sessions/baton/session-store.xml
 * jetty-sessions/src/main/jetty/modules/session-store-baton.mod}.
 */
class ModuleFilesTest {

  @ParameterizedTest
  @ValueSource(strings = {"src/main/jetty/etc/sessions/baton/session-store.xml",
      "src/main/jetty/modules/session-store-baton.mod"})
  void listsEverySettingAsTheRegistryDoes(String file) throws Exception {
    Path path = Path.of(file);
    List<String> region = SettingsReference.region(Files.readAllLines(path, StandardCharsets.UTF_8));
    assertThat(region).as(file + " (regenerate it with SettingsReference, see this test's Javadoc)")
        .containsExactlyElementsOf(SettingsReference.expectedFor(path));
  }
}
