/**
 * TLS sessions that resume on every node: the cluster's ticket-key ring and its rotation, and the
 * installers that put the keys into a TLS implementation (the JDK's by reflection; OpenSSL's, and its
 * session-id cache, through FFM in {@code src/main/java22}).
 *
 * <p>May use {@code cluster}, {@code state} and {@code wire}; knows neither container.
 */
package dev.baton.tls;
