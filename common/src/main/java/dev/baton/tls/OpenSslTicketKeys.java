package dev.baton.tls;

/**
 * Installs the cluster's ticket keys into an OpenSSL {@code SSL_CTX} (libssl 3) through the Foreign
 * Function and Memory API, which needs Java 22 or later and {@code --enable-native-access=ALL-UNNAMED}.
 * This is the Java 17 build of the class: it only says so. The working one is in
 * {@code META-INF/versions/22} of the jar and replaces it on Java 22+.
 */
public final class OpenSslTicketKeys implements TicketKeyInstaller {

  private OpenSslTicketKeys() {}

  /**
   * An installer for the {@code SSL_CTX} at {@code sslCtxAddress}.
   *
   * @throws UnsupportedOperationException on Java before 22
   */
  public static OpenSslTicketKeys of(long sslCtxAddress) {
    throw new UnsupportedOperationException("OpenSSL ticket keys need Java 22 or later (this is Java "
        + Runtime.version().feature() + ")");
  }

  @Override
  public void install(TicketKeyRing ring, long now) {
    throw new UnsupportedOperationException();
  }
}
