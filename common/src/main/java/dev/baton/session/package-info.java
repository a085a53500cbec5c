/**
 * The container-neutral HTTP session both adapters use: the record ({@link dev.baton.session.SessionRecord},
 * with the login and the TLS identity), its codec and deltas, attribute serialization through the
 * allow-list, and the rules both containers follow ({@link dev.baton.session.SessionStore}: how a
 * session is written, read back, deleted and expired cluster-wide).
 *
 * <p>May use {@code cluster}, {@code state} and {@code wire}; knows neither container.
 */
package dev.baton.session;
