package dev.baton.cache;

import dev.baton.state.StateEntry;

/**
 * Told when the table drops an entry on its own. Called on the thread that found the entry dead
 * (a sweep, or a write that triggered eviction), never while a table lock is held, so it may read
 * the table. It must not throw; an exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RemovalListener {
  void onRemoval(StateEntry entry, RemovalCause cause);
}
