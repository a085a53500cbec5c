package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's keygen command and the node's check of the file it writes. */
class SecretToolTest {

  @TempDir
  Path dir;

  private static int run(String... args) {
    return SecretTool.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void keygenWritesAnOwnerOnlyFileANodeReadsAndRefusesToOverwriteIt() throws Exception {
    Path file = dir.resolve("baton.secret");
    assertThat(run("keygen", file.toString())).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(ClusterSettings.from(Map.of("secretFile", file.toString())).encrypted()).isTrue();
    String before = Files.readString(file);
    assertThat(run("keygen", file.toString())).as("an existing secret is never replaced").isEqualTo(1);
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(run("keygen")).isEqualTo(2);
  }

  @Test
  void aSecretFileOthersCanReadIsRefusedWithTheFix() throws Exception {
    Path file = dir.resolve("baton.secret");
    run("keygen", file.toString());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> ClusterSettings.from(Map.of("secretFile", file.toString())))
        .isInstanceOf(ClusterConfigException.class).hasMessageContaining("secretFile")
        .hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 600");
  }

  @Test
  void theThreeStepsOfARotation() throws Exception {
    Path file = dir.resolve("baton.secret");
    run("keygen", file.toString());
    List<String> old = SecretFile.read(file);
    assertThat(run("keygen", "--add", file.toString())).isZero();
    List<String> both = SecretFile.read(file);
    assertThat(both).hasSize(2).startsWith(old.get(0));
    assertThat(run("keygen", "--promote", file.toString())).isZero();
    assertThat(SecretFile.read(file)).containsExactly(both.get(1), old.get(0));
    assertThat(run("keygen", "--retire", file.toString())).isZero();
    assertThat(SecretFile.read(file)).containsExactly(both.get(1));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(ClusterSettings.from(Map.of("secretFile", file.toString())).keys()).hasSize(1);
  }
}
