package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference lists every setting exactly as {@link Settings} does. On a failure,
 * regenerate it: {@code java -cp common/target/classes dev.baton.cluster.SettingsReference
 * docs/configuration.md}.
 */
class SettingsReferenceTest {

  @Test
  void theConfigurationReferenceIsTheRegistrysTable() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    List<String> region = SettingsReference.region(Files.readAllLines(doc, StandardCharsets.UTF_8));
    assertThat(region).as("docs/configuration.md (regenerate it with SettingsReference, see this test's Javadoc)")
        .containsExactlyElementsOf(SettingsReference.markdownTable());
  }

  @Test
  void everyJettySettingHasItsPropertyAndEveryUpstreamOneItsVariant() {
    List<String> xml = SettingsReference.jettyXml();
    for (Setting<?> s : Settings.ALL) {
      boolean jetty = s.containers().contains(Setting.Container.JETTY);
      assertThat(xml.stream().anyMatch(l -> l.contains("name=\"baton." + s.name() + "\""))).as(s.name()).isEqualTo(jetty);
      assertThat(xml.stream().anyMatch(l -> l.contains("name=\"baton.upstream." + s.name() + "\"")))
          .as("upstream." + s.name()).isEqualTo(jetty && s.upstream());
    }
  }
}
