/**
 * Jetty 12 adapter: BatonSessionDataStore and its factory, and the session-store-baton module (issue #5).
 *
 * <p>Not built yet: this module holds the build slot and its dependency on {@code baton-common}.
 */
package dev.baton.jetty;
