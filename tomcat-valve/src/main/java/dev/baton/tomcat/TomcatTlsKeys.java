package dev.baton.tomcat;

import dev.baton.cluster.ClusterNode;
import dev.baton.tls.JdkTicketKeys;
import dev.baton.tls.OpenSslSessionCache;
import dev.baton.tls.OpenSslTicketKeys;
import dev.baton.tls.TicketKeyInstaller;
import dev.baton.tls.TicketKeyRing;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.net.SSLContext;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * Puts the cluster's TLS ticket keys into every TLS context of a Tomcat {@link Service}: each
 * certificate of each {@code SSLHostConfig} of each connector. Called on every check of the ring, it
 * walks the connectors again, so a context that {@code reloadSslHostConfig} re-created gets the keys
 * at the next check.
 *
 * <p>JSSE contexts get them through {@link JdkTicketKeys}, OpenSSL ones (Tomcat's FFM
 * implementation, Java 22+) through {@link OpenSslTicketKeys}, and OpenSSL ones also keep their
 * session-id cache in the cluster ({@link OpenSslSessionCache}). A context of any other kind, or one
 * whose installer is unavailable, is logged once and left alone: its TLS sessions resume on the node
 * that made them only.
 */
final class TomcatTlsKeys implements TicketKeyInstaller {

  private static final Log LOG = LogFactory.getLog(TomcatTlsKeys.class);
  /** A context that cannot take the keys maps to this, so it is logged once. */
  private static final TicketKeyInstaller NONE = (ring, now) -> { };
  private static final String OPENSSL_CONTEXT = "org.apache.tomcat.util.net.openssl.panama.OpenSSLContext";

  private final Service service;
  private final ClusterNode node;
  private final Map<SSLContext, TicketKeyInstaller> byContext = new WeakHashMap<>();

  TomcatTlsKeys(Service service, ClusterNode node) {
    this.service = service;
    this.node = node;
  }

  /** Whether any connector of the service has TLS host configs. */
  boolean hasTlsConnectors() {
    for (Connector c : service.findConnectors()) {
      if (c.getProtocolHandler() != null && c.getProtocolHandler().findSslHostConfigs().length > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void install(TicketKeyRing ring, long now) {
    for (Connector connector : service.findConnectors()) {
      if (connector.getProtocolHandler() == null) {
        continue;
      }
      for (SSLHostConfig host : connector.getProtocolHandler().findSslHostConfigs()) {
        for (SSLHostConfigCertificate cert : host.getCertificates()) {
          SSLContext ctx = cert.getSslContext();
          if (ctx != null) {
            byContext.computeIfAbsent(ctx, c -> installerFor(connector, host, c, node)).install(ring, now);
          }
        }
      }
    }
  }

  /** The address of the {@code SSL_CTX} of Tomcat's FFM OpenSSL context, without compiling against FFM. */
  private static long sslCtxAddress(SSLContext ctx) {
    try {
      Object segment = ctx.getClass().getMethod("getSSLContext").invoke(ctx);
      return (Long) Class.forName("java.lang.foreign.MemorySegment").getMethod("address").invoke(segment);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot reach the SSL_CTX of " + ctx.getClass().getName() + ": " + e, e);
    }
  }

  private static TicketKeyInstaller installerFor(Connector connector, SSLHostConfig host, SSLContext ctx,
      ClusterNode node) {
    String where = "connector port " + connector.getPort() + ", host " + host.getHostName();
    try {
      TicketKeyInstaller i;
      if (ctx.getClass().getName().equals(OPENSSL_CONTEXT)) {
        long sslCtx = sslCtxAddress(ctx);
        i = OpenSslTicketKeys.of(sslCtx);
        OpenSslSessionCache.attach(sslCtx, node);
        LOG.info("Baton: TLS sessions of " + where + " resume on every node, by ticket and by session id (" + i + ")");
      } else {
        i = JdkTicketKeys.of(ctx.getServerSessionContext());
        LOG.info("Baton: TLS sessions of " + where + " resume on every node by ticket (JSSE)");
      }
      return i;
    } catch (IllegalStateException | UnsupportedOperationException e) {
      LOG.warn("Baton: TLS sessions of " + where + " will resume on the node that made them only: " + e.getMessage());
      return NONE;
    }
  }
}
