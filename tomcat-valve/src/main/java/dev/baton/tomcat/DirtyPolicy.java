package dev.baton.tomcat;

/**
 * Which attributes a request replicates. Applications often change an object in the session in
 * place (a cart's item list) without calling {@code setAttribute} again; with {@link #SET_ONLY}
 * that change stays on one node (a classic lost update in other managers).
 */
enum DirtyPolicy {
  /**
   * The default: attributes set or removed, plus every attribute read during the request whose
   * value is not of an immutable type (String, boxed numbers, …). Those are serialized again and
   * sent only if their bytes changed.
   */
  ACCESSED,
  /** Only attributes passed to {@code setAttribute} or {@code removeAttribute}: cheaper, and right
   * for applications that always set what they change. */
  SET_ONLY
}
