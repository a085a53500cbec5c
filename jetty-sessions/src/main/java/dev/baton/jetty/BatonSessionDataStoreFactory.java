package dev.baton.jetty;

import dev.baton.cluster.ClusterSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes a {@link BatonSessionDataStore} for each context; registered as a bean on the Server by the
 * {@code session-store-baton} module's XML. Every cluster setting (see {@link ClusterSettings}) is
 * set with {@link #setSetting}; {@code nodeName} defaults to the Jetty worker name
 * ({@code jetty.sessionIdManager.workerName}), which must be stable and unique per node.
 */
public class BatonSessionDataStoreFactory extends AbstractSessionDataStoreFactory {

  private final Map<String, String> settings = new LinkedHashMap<>();
  private final List<String> allowList = new ArrayList<>();

  /** A cluster setting; blank values are ignored so that commented-out ini lines keep the default. */
  public void setSetting(String name, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(name, value.trim());
    }
  }

  /** Comma-separated classes or packages session attributes may hold, besides JDK value types. */
  public void setAttributeAllowList(String patterns) {
    if (patterns == null) {
      return;
    }
    for (String p : patterns.split(",")) {
      if (!p.isBlank()) {
        allowList.add(p.trim());
      }
    }
  }

  /** The cluster settings of this node, whose name defaults to {@code workerName} (may be null). */
  ClusterSettings clusterSettings(String workerName) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    if (workerName != null) {
      s.putIfAbsent("nodeName", workerName);
    }
    return ClusterSettings.from(s);
  }

  @Override
  public SessionDataStore getSessionDataStore(SessionManager manager) throws Exception {
    BatonSessionDataStore store = new BatonSessionDataStore(this::clusterSettings, allowList);
    store.setGracePeriodSec(getGracePeriodSec());
    store.setSavePeriodSec(getSavePeriodSec());
    return store;
  }
}
