/**
 * The Jetty 12 adapter: {@link dev.baton.jetty.BatonSessionDataStore} and its factory (the
 * {@code session-store-baton} module), two server handlers (acknowledgements before the response, the
 * TLS identity), and the TLS connectors' ticket keys ({@code baton-tls}). Glue only: Jetty's types in,
 * {@code session} and {@code tls} calls, Jetty's types out.
 *
 * <p>May use every package of {@code common} and Jetty's API.
 */
package dev.baton.jetty;
