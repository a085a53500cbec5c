package dev.baton.session;

import dev.baton.state.Versions;

/**
 * When one part of a session (an attribute, its removal, the login, the TLS identity, the timeout)
 * was last written: the writer's hybrid-clock version and node id, ordered as {@link Versions}
 * orders writes. Two records merge part by part, the newer stamp winning, so concurrent changes of
 * different parts made on different nodes all survive, and concurrent changes of one part resolve
 * to the same winner on every node.
 *
 * @param version the writer's {@link dev.baton.state.HybridClock} version
 * @param origin the writer's node id
 */
record Stamp(long version, int origin) {

  /** Older than every write: a part no write has stamped (a record made by hand). */
  static final Stamp NONE = new Stamp(0, 0);

  boolean isNewerThan(Stamp other) {
    return Versions.isNewer(version, origin, other.version, other.origin);
  }

  /** The newer of two stamps ({@code a} when they are the same write). */
  static Stamp newer(Stamp a, Stamp b) {
    return b.isNewerThan(a) ? b : a;
  }
}
