package dev.baton.state;

/**
 * The TLS facts of the connection a session was bound on, kept so that another node can check that
 * a resumed connection is the same client.
 *
 * @param protocol e.g. {@code TLSv1.3}
 * @param cipherSuite the negotiated cipher suite
 * @param peerPrincipal the client certificate's subject, or null without client authentication
 */
public record TlsIdentity(String protocol, String cipherSuite, String peerPrincipal) {}
