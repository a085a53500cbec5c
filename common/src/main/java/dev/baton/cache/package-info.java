/**
 * The per-node hash table: {@link dev.baton.cache.StateTable}, byte-array keys hashed with BUZhash,
 * versioned entries, expiry and tombstones, a byte bound with CLOCK eviction, lock-free reads.
 *
 * <p>May use {@code hash} and {@code state}; knows nothing of the network or of sessions.
 */
package dev.baton.cache;
