package dev.baton.jetty;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.ClusterNodes;
import dev.baton.tls.JdkTicketKeys;
import dev.baton.tls.TicketKeyInstaller;
import dev.baton.tls.TicketKeyRing;
import dev.baton.tls.TicketKeyRotation;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.session.SessionIdManager;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the Baton cluster's TLS session-ticket keys with every TLS connector of a Jetty
 * {@link Server}, so a TLS session made on one node resumes on another; registered on the Server by
 * the {@code baton-tls} module. Jetty's TLS is the JDK's (JSSE): the keys go in through
 * {@link JdkTicketKeys}, which needs {@code --add-opens java.base/sun.security.ssl=ALL-UNNAMED} on the
 * Jetty JVM; without it this logs one warning and Jetty runs on without TLS failover.
 *
 * <p>The connectors' TLS contexts are made when the connectors start, after this bean: a listener on
 * each {@link SslContextFactory} installs the keys as soon as its context exists, before the
 * connector accepts. Every check of the ring walks the connectors again, so a context re-made by
 * {@code SslContextFactory.reload} gets the keys too.
 */
public class BatonTlsKeys extends AbstractLifeCycle implements TicketKeyInstaller {

  private static final Logger LOG = LoggerFactory.getLogger(BatonTlsKeys.class);

  private final Server server;
  private final BatonSessionDataStoreFactory sessions;
  private final Map<SSLContext, TicketKeyInstaller> byContext = new WeakHashMap<>();
  private ClusterNode node;
  private TicketKeyRotation rotation;

  /**
   * @param sessions the session store factory of the {@code session-store-baton} module, whose
   *     cluster settings this node uses
   */
  public BatonTlsKeys(Server server, BatonSessionDataStoreFactory sessions) {
    this.server = server;
    this.sessions = sessions;
  }

  @Override
  protected void doStart() throws Exception {
    if (!JdkTicketKeys.checkAndLog()) {
      return;
    }
    SessionIdManager ids = server.getBean(SessionIdManager.class);
    node = ClusterNodes.acquire(sessions.clusterSettings(ids == null ? null : ids.getWorkerName()));
    rotation = TicketKeyRotation.acquire(node);
    for (Connector c : server.getConnectors()) {
      SslConnectionFactory ssl = c.getConnectionFactory(SslConnectionFactory.class);
      if (ssl != null) {
        ssl.getSslContextFactory().addEventListener(new LifeCycle.Listener() {
          @Override
          public void lifeCycleStarted(LifeCycle event) {
            install(rotation.ring(), System.currentTimeMillis());
          }
        });
      }
    }
    rotation.addInstaller(this);
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    if (rotation != null) {
      rotation.removeInstaller(this);
      rotation.close();
      rotation = null;
    }
    if (node != null) {
      ClusterNodes.release(node);
      node = null;
    }
  }

  @Override
  public synchronized void install(TicketKeyRing ring, long now) {
    if (ring.isEmpty()) {
      return;
    }
    for (Connector c : server.getConnectors()) {
      SslConnectionFactory ssl = c.getConnectionFactory(SslConnectionFactory.class);
      SSLContext ctx = ssl == null ? null : ssl.getSslContextFactory().getSslContext();
      if (ctx != null) {
        byContext.computeIfAbsent(ctx, x -> {
          LOG.info("Baton: TLS sessions of {} resume on every node by ticket (JSSE)", c);
          return JdkTicketKeys.of(x.getServerSessionContext());
        }).install(ring, now);
      }
    }
  }
}
