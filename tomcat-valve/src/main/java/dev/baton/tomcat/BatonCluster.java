package dev.baton.tomcat;

import dev.baton.cluster.ClusterConfigException;
import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.cluster.ClusterSettings;
import dev.baton.cluster.Setting;
import dev.baton.cluster.Settings;
import dev.baton.tls.TicketKeyRotation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.catalina.Cluster;
import org.apache.catalina.Container;
import org.apache.catalina.Engine;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Manager;
import org.apache.catalina.util.LifecycleMBeanBase;

/**
 * The Baton cluster element for {@code server.xml}, placed in {@code <Engine>} (or {@code <Host>}):
 * <pre>{@code <Cluster className="dev.baton.tomcat.BatonCluster" secretFile="${catalina.base}/conf/baton.secret"/>}</pre>
 *
 * <p>Like Tomcat's {@code SimpleTcpCluster} it gives every {@code <distributable/>} application a
 * {@link BatonManager}. It starts the JVM's cluster node with the container and stops it with it.
 * Every attribute is a setting of {@link Settings} (docs/configuration.md lists them), the
 * managers' ones included; {@code nodeName} defaults to the Engine's {@code jvmRoute}. A wrong
 * attribute fails the start with a message naming it and the fix.
 *
 * <p>{@code tlsFailover} ({@code on} by default) shares the cluster's TLS session-ticket keys with
 * the TLS connectors of the Engine's service, so a TLS session made on one node resumes on another
 * (see {@link TomcatTlsKeys}); with JSSE it needs {@code --add-opens java.base/sun.security.ssl=ALL-UNNAMED}.
 */
public class BatonCluster extends LifecycleMBeanBase implements Cluster {

  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Set<Manager> managers = new CopyOnWriteArraySet<>();
  private Container container;
  private ClusterNode node;
  private TicketKeyRotation tlsKeys;

  /**
   * Takes every attribute of the element (Tomcat's digester calls this for unknown properties); they
   * are checked when the cluster starts.
   */
  public boolean setProperty(String name, String value) {
    if (!name.equals("className")) {
      settings.put(name, value);
    }
    return true;
  }

  /** The element's attributes, as given: the managers of its applications read theirs from them. */
  Map<String, String> settings() {
    return new LinkedHashMap<>(settings);
  }

  ClusterNode node() {
    return node;
  }

  @Override
  public String getClusterName() {
    return settings.getOrDefault("clusterName", "baton");
  }

  @Override
  public void setClusterName(String name) {
    settings.put("clusterName", name);
  }

  @Override
  public Container getContainer() {
    return container;
  }

  @Override
  public void setContainer(Container container) {
    this.container = container;
  }

  @Override
  public Manager createManager(String name) {
    return new BatonManager(this);
  }

  @Override
  public void registerManager(Manager manager) {
    managers.add(manager);
  }

  @Override
  public void removeManager(Manager manager) {
    managers.remove(manager);
  }

  @Override
  public void backgroundProcess() {
    // The node sweeps and batches on its own threads.
  }

  @Override
  protected void startInternal() throws LifecycleException {
    try {
      Settings.check(settings, Setting.Container.TOMCAT);
      node = ClusterNodes.acquire(ClusterSettings.from(settings, jvmRoute()));
      startTlsFailover(Settings.TLS_FAILOVER.get(settings));
    } catch (ClusterConfigException e) {
      throw new LifecycleException(e.getMessage(), e);
    } catch (Exception e) {
      throw new LifecycleException("Baton could not join cluster '" + getClusterName() + "': " + e.getMessage(), e);
    }
    setState(LifecycleState.STARTING);
  }

  @Override
  protected void stopInternal() throws LifecycleException {
    setState(LifecycleState.STOPPING);
    if (tlsKeys != null) {
      tlsKeys.close();
      tlsKeys = null;
    }
    if (node != null) {
      ClusterNodes.release(node);
      node = null;
    }
  }

  /**
   * Shares the cluster's TLS ticket keys with the TLS connectors of this Engine's service. The
   * Engine starts before the connectors accept, so the keys are in place before the first handshake.
   */
  private void startTlsFailover(boolean tlsFailover) {
    Engine e = engine();
    if (!tlsFailover || e == null || e.getService() == null) {
      return;
    }
    TomcatTlsKeys installer = new TomcatTlsKeys(e.getService(), node);
    if (installer.hasTlsConnectors()) {
      tlsKeys = TicketKeyRotation.acquire(node);
      tlsKeys.addInstaller(installer);
    }
  }

  private Engine engine() {
    for (Container c = container; c != null; c = c.getParent()) {
      if (c instanceof Engine e) {
        return e;
      }
    }
    return null;
  }

  private String jvmRoute() {
    Engine e = engine();
    return e == null ? null : e.getJvmRoute();
  }

  @Override
  protected String getDomainInternal() {
    return container == null ? "Catalina" : container.getDomain();
  }

  @Override
  protected String getObjectNameKeyProperties() {
    return "type=Cluster,name=Baton";
  }
}
