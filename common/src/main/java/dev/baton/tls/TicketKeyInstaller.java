package dev.baton.tls;

/**
 * Puts the cluster's ticket keys into one TLS implementation's server context (a JDK
 * {@code SSLSessionContext}, an OpenSSL {@code SSL_CTX}). Called on every check of the ring, not only
 * on a change, so an implementation must be idempotent and cheap when nothing changed.
 */
@FunctionalInterface
public interface TicketKeyInstaller {

  /**
   * Installs {@code ring}: the key current at {@code now} encrypts, every key that still decrypts
   * decrypts, keys past their {@code decryptUntil} go.
   */
  void install(TicketKeyRing ring, long now);
}
