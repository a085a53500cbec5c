package dev.baton.jetty;

import dev.baton.session.TlsIdentity;
import java.security.cert.X509Certificate;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Makes the TLS identity of a secure request's connection (protocol, cipher suite, client
 * certificate subject, from Jetty's {@code SecureRequestCustomizer}) known to
 * {@link BatonSessionDataStore} while the request is handled, so the store binds it to a session
 * that has none yet, as the Tomcat adapter does. Inserted on the Server by the
 * {@code session-store-baton} module; the store runs on the handling thread when the response
 * commits.
 */
public class TlsIdentityCapture extends Handler.Wrapper {

  private static final ThreadLocal<TlsIdentity> CURRENT = new ThreadLocal<>();

  /** The identity of the connection whose request this thread is handling, or null. */
  static TlsIdentity current() {
    return CURRENT.get();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!request.isSecure() || !(request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl)) {
      return super.handle(request, response, callback);
    }
    X509Certificate[] peer = ssl.peerCertificates();
    CURRENT.set(new TlsIdentity(ssl.sslSession() == null ? null : ssl.sslSession().getProtocol(), ssl.cipherSuite(),
        peer != null && peer.length > 0 ? peer[0].getSubjectX500Principal().getName() : null));
    try {
      return super.handle(request, response, callback);
    } finally {
      CURRENT.remove();
    }
  }
}
