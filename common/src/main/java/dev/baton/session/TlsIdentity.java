package dev.baton.session;

import java.util.function.Supplier;

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
   * The read-only session attribute under which both adapters show an application the identity
   * bound to its session (from the request after the one that bound it, on every node), as
   * {@link #describe()} text: a String, so any class loader can read it. It is never replicated as
   * an attribute; the record carries the identity.
   */
  public static final String SESSION_ATTRIBUTE = "dev.baton.tls.identity";

  /** {@code protocol=… cipher=… peer=…}, for applications and logs (it holds no secret). */
  public String describe() {
    return "protocol=" + protocol + " cipher=" + cipherSuite + " peer=" + peerPrincipal;
  }

  /**
   * The identity bound to a session: the one its record holds, else (its first TLS request) that of
   * the connection in use, which is bound from now on, for the session's life.
   *
   * @param before the session's record as replicated last, or null
   * @param connection the identity of the connection in use, or null for one that is not TLS
   */
  public static TlsIdentity bind(SessionRecord before, Supplier<TlsIdentity> connection) {
    return before != null && before.tls() != null ? before.tls() : connection.get();
  }
}
