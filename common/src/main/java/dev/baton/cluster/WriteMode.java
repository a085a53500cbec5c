package dev.baton.cluster;

/** When a write returns. */
public enum WriteMode {
  /** At once; NAKACK2 repairs losses among live members, a copy in flight dies with its sender. */
  ASYNC,
  /** When every other owner has applied the write (positive acknowledgement), or at the timeout. */
  SYNC
}
