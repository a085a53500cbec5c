/**
 * Tomcat 11 adapter: BatonCluster, BatonManager and BatonValve (issue #4).
 *
 * <p>Not built yet: this module holds the build slot and its dependency on {@code baton-common}.
 */
package dev.baton.tomcat;
