package dev.baton.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cluster.ClusterConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory's settings: what the XML passes, and the names in the jetty-base's ini files. */
class BatonSessionDataStoreFactoryTest {

  @TempDir
  Path base;

  private BatonSessionDataStoreFactory factory() throws Exception {
    Files.createDirectories(base.resolve("start.d"));
    BatonSessionDataStoreFactory f = new BatonSessionDataStoreFactory();
    f.setJettyBase(base.toString());
    return f;
  }

  @Test
  void aMisspeltPropertyInAnIniFileFailsTheStartWithItsNameAndFile() throws Exception {
    BatonSessionDataStoreFactory f = factory();
    Files.writeString(base.resolve("start.d/session-store-baton.ini"),
        "--module=session-store-baton\n#baton.writeMode=sync\nbaton.clusterName=shop\n  baton.writeMod = async\n");
    assertThatThrownBy(f::checkIniNames).isInstanceOf(ClusterConfigException.class)
        .hasMessageContaining("baton.writeMod").hasMessageContaining("session-store-baton.ini").hasMessageContaining("Fix:");
  }

  @Test
  void knownPropertiesTheirUpstreamVariantsAndCommentedLinesPass() throws Exception {
    BatonSessionDataStoreFactory f = factory();
    Files.writeString(base.resolve("start.d/session-store-baton.ini"),
        "baton.clusterName=shop\nbaton.upstream.mcastPort=45800\n#baton.notASetting=x\njetty.http.port=8080\n");
    f.checkIniNames();
  }

  @Test
  void aSettingOnlyTomcatTakesIsRefusedOnJetty() throws Exception {
    BatonSessionDataStoreFactory f = factory();
    Files.writeString(base.resolve("start.ini"), "baton.maxIdleSwap=0\n");
    assertThatThrownBy(f::checkIniNames).isInstanceOf(ClusterConfigException.class).hasMessageContaining("baton.maxIdleSwap");
  }

  @Test
  void aBadValueNamesTheSetting() {
    BatonSessionDataStoreFactory f = new BatonSessionDataStoreFactory();
    f.setSetting("topology", "mesh");
    assertThatThrownBy(() -> f.clusterSettings("node1")).isInstanceOf(ClusterConfigException.class)
        .hasMessageContaining("topology").hasMessageContaining("replicated");
    f.setSetting("topology", "partitioned");
    f.setSetting("encryption", "none");
    assertThat(f.clusterSettings("node1").nodeName()).isEqualTo("node1");
  }
}
