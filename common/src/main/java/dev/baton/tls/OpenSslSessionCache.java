package dev.baton.tls;

import dev.baton.cluster.ClusterNode;

/**
 * OpenSSL's external session cache kept in the cluster cache, through the Foreign Function and
 * Memory API (Java 22+). This is the Java 17 build of the class: it only says so. The working one is
 * in {@code META-INF/versions/22} of the jar and replaces it on Java 22+.
 */
public final class OpenSslSessionCache {

  private OpenSslSessionCache() {}

  /**
   * Registers the session callbacks of the {@code SSL_CTX} at {@code sslCtxAddress}.
   *
   * @throws UnsupportedOperationException on Java before 22
   */
  public static OpenSslSessionCache attach(long sslCtxAddress, ClusterNode node) {
    throw new UnsupportedOperationException("the OpenSSL session cache needs Java 22 or later (this is Java "
        + Runtime.version().feature() + ")");
  }
}
