package dev.baton.cache;

/** Why the table dropped an entry on its own (as opposed to a delete by the application). */
public enum RemovalCause {
  /** The entry was idle longer than its max idle time; the table keeps a tombstone in its place. */
  EXPIRED,
  /** The table was over its memory bound and chose this entry to make room. */
  EVICTED
}
