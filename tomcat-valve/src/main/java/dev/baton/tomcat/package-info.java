/**
 * The Tomcat adapter: {@link dev.baton.tomcat.BatonCluster} (the {@code <Cluster>} element),
 * {@link dev.baton.tomcat.BatonManager} with its session and valve, cluster-wide single sign-on, and
 * the TLS connectors' ticket keys. Glue only: Tomcat's types in, {@code session} and {@code tls}
 * calls, Tomcat's types out.
 *
 * <p>May use every package of {@code common} and Tomcat's API.
 */
package dev.baton.tomcat;
