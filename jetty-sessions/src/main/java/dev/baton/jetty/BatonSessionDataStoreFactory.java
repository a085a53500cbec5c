package dev.baton.jetty;

import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.Setting;
import dev.baton.cluster.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes a {@link BatonSessionDataStore} for each context; registered as a bean on the Server by the
 * {@code session-store-baton} module's XML, which passes every {@code baton.<setting>} property
 * (docs/configuration.md) to {@link #setSetting}. {@code nodeName} defaults to the Jetty worker name
 * ({@code jetty.sessionIdManager.workerName}), which must be stable and unique per node.
 */
public class BatonSessionDataStoreFactory extends AbstractSessionDataStoreFactory {

  private final Map<String, String> settings = new LinkedHashMap<>();

  /** A setting; blank values are ignored so that commented-out ini lines keep the default. */
  public void setSetting(String name, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(name, value.trim());
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
    Settings.check(settings, Setting.Container.JETTY);
    List<String> allow = Settings.ATTRIBUTE_ALLOW_LIST.get(settings);
    BatonSessionDataStore store = new BatonSessionDataStore(this::clusterSettings, allow == null ? List.of() : allow);
    store.setGracePeriodSec(getGracePeriodSec());
    store.setSavePeriodSec(getSavePeriodSec());
    return store;
  }
}
