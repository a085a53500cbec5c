package dev.baton.tomcat;

import dev.baton.session.TlsIdentity;
import java.security.cert.X509Certificate;
import org.apache.catalina.connector.Request;

/** The TLS facts of a Tomcat request's connection, as the request attributes of JSSE and OpenSSL give them. */
final class TomcatTlsIdentity {

  private TomcatTlsIdentity() {}

  /** The identity of the request's connection; null for a request that is not over TLS. */
  static TlsIdentity of(Request request) {
    if (request == null || !request.isSecure()) {
      return null;
    }
    Object cipher = request.getAttribute("jakarta.servlet.request.cipher_suite");
    // Tomcat's OpenSSL implementation reports e.g. "TLSv1.3:TLS"; JSSE "TLSv1.3".
    Object protocol = request.getAttribute("jakarta.servlet.request.secure_protocol");
    if (protocol == null) {
      protocol = request.getAttribute("org.apache.tomcat.util.net.secure_protocol_version");
    }
    if (protocol instanceof String p && p.indexOf(':') > 0) {
      protocol = p.substring(0, p.indexOf(':'));
    }
    Object certs = request.getAttribute("jakarta.servlet.request.X509Certificate");
    String peer = certs instanceof X509Certificate[] c && c.length > 0 ? c[0].getSubjectX500Principal().getName() : null;
    if (cipher == null && protocol == null && peer == null) {
      return null;
    }
    return new TlsIdentity(protocol == null ? null : protocol.toString(), cipher == null ? null : cipher.toString(), peer);
  }
}
