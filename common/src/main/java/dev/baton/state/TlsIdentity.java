package dev.baton.state;

/**
 * The TLS facts of the connection a session was bound on, kept so that another node can check that
 * a resumed connection is the same client.
 *
 * @param protocol e.g. {@code TLSv1.3}
 * @param cipherSuite the negotiated cipher suite
 * @param peerPrincipal the client certificate's subject, or null without client authentication
 */
public record TlsIdentity(String protocol, String cipherSuite, String peerPrincipal) {

  /**
   * The request attribute under which the adapters show an application the identity bound to its
   * session, as {@link #describe()} text (a String, so any class loader can read it).
   */
  public static final String REQUEST_ATTRIBUTE = "dev.baton.tls.identity";

  /** {@code protocol=… cipher=… peer=…}, for applications and logs (it holds no secret). */
  public String describe() {
    return "protocol=" + protocol + " cipher=" + cipherSuite + " peer=" + peerPrincipal;
  }
}
