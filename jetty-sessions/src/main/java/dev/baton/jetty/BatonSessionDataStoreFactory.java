package dev.baton.jetty;

import dev.baton.cluster.ClusterConfigException;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.Setting;
import dev.baton.cluster.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes a {@link BatonSessionDataStore} for each context; registered as a bean on the Server by the
 * {@code session-store-baton} module's XML, which passes every {@code baton.<setting>} property
 * (docs/configuration.md) to {@link #setSetting}. {@code nodeName} defaults to the Jetty worker name
 * ({@code jetty.sessionIdManager.workerName}), which must be stable and unique per node.
 *
 * <p>The XML passes only the properties it knows, so a misspelt one would be ignored: the factory
 * also reads the jetty-base's {@code start.ini} and {@code start.d/*.ini} and refuses any
 * {@code baton.*} name that is not a setting, as Tomcat refuses an unknown attribute.
 */
public class BatonSessionDataStoreFactory extends AbstractSessionDataStoreFactory {

  private static final Pattern INI_PROPERTY = Pattern.compile("^\\s*baton\\.([^=\\s]+)\\s*=");

  private final Map<String, String> settings = new LinkedHashMap<>();
  private Path jettyBase;

  /** A setting; blank values are ignored so that commented-out ini lines keep the default. */
  public void setSetting(String name, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(name, value.trim());
    }
  }

  /** The jetty-base whose ini files are checked for settings that do not exist. */
  public void setJettyBase(String dir) {
    this.jettyBase = dir == null || dir.isBlank() ? null : Path.of(dir);
  }

  /**
   * Refuses a {@code baton.*} property of the jetty-base's ini files that is not a Jetty setting.
   *
   * @throws ClusterConfigException naming it
   */
  void checkIniNames() throws IOException {
    if (jettyBase == null) {
      return;
    }
    List<Path> inis = new ArrayList<>();
    if (Files.isRegularFile(jettyBase.resolve("start.ini"))) {
      inis.add(jettyBase.resolve("start.ini"));
    }
    if (Files.isDirectory(jettyBase.resolve("start.d"))) {
      try (Stream<Path> d = Files.list(jettyBase.resolve("start.d"))) {
        d.filter(p -> p.toString().endsWith(".ini")).sorted().forEach(inis::add);
      }
    }
    Map<String, Path> named = new LinkedHashMap<>();
    for (Path ini : inis) {
      for (String line : Files.readAllLines(ini, StandardCharsets.UTF_8)) {
        Matcher m = INI_PROPERTY.matcher(line);
        if (m.find()) {
          named.put(m.group(1), ini);
        }
      }
    }
    for (Map.Entry<String, Path> n : named.entrySet()) {
      // Only the name: the value is checked where the XML passed it.
      Map<String, String> one = new LinkedHashMap<>();
      one.put(n.getKey(), "");
      try {
        Settings.check(one, Setting.Container.JETTY);
      } catch (ClusterConfigException e) {
        throw new ClusterConfigException("baton." + n.getKey(), "is in " + n.getValue() + ", but it is not a Baton"
            + " setting of Jetty", "check the spelling; the settings are listed in docs/configuration.md");
      }
    }
  }

  /**
   * The cluster settings of this node, whose name defaults to {@code workerName} (may be null).
   *
   * @throws dev.baton.cluster.ClusterConfigException naming a bad setting and the fix
   */
  ClusterSettings clusterSettings(String workerName) {
    Settings.check(settings, Setting.Container.JETTY);
    return ClusterSettings.from(settings, workerName);
  }

  @Override
  public SessionDataStore getSessionDataStore(SessionManager manager) throws Exception {
    checkIniNames();
    Settings.check(settings, Setting.Container.JETTY);
    List<String> allow = Settings.ATTRIBUTE_ALLOW_LIST.get(settings);
    BatonSessionDataStore store = new BatonSessionDataStore(this::clusterSettings, allow == null ? List.of() : allow);
    store.setGracePeriodSec(getGracePeriodSec());
    store.setSavePeriodSec(getSavePeriodSec());
    return store;
  }
}
