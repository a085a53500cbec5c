/**
 * Hashing: {@link dev.baton.hash.BuzHash}, the 64-bit keyed rolling hash every node places and finds
 * keys with (its table derived from the cluster secret), and {@link dev.baton.hash.RendezvousOwners},
 * which picks a key's owners among the members.
 *
 * <p>Depends on nothing but the JDK.
 */
package dev.baton.hash;
