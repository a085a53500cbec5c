/**
 * The state model every other package shares: {@link dev.baton.state.StateKey} (kind, scope, id; the
 * cache key), {@link dev.baton.state.StateKind}, versioned {@link dev.baton.state.StateEntry}s and
 * their copies, and the versions themselves ({@link dev.baton.state.HybridClock},
 * {@link dev.baton.state.Versions}: one total order of writes on every node).
 *
 * <p>Depends on nothing but the JDK.
 */
package dev.baton.state;
