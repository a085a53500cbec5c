package dev.baton.state;

/** What a cache entry holds. The code is part of the key bytes and of the wire format: never reuse one. */
public enum StateKind {
  /** An HTTP session ({@link SessionRecord}); scope is the web application, id the session id. */
  HTTP_SESSION(1),
  /** A TLS session (resumption data) keyed by TLS session id. */
  TLS_SESSION(2),
  /** The cluster's TLS session-ticket key ring. */
  TLS_TICKET_KEYS(3),
  /** A single sign-on entry shared by the web applications of a host. */
  SSO(4),
  /** Progress of a long transfer, such as a resumable upload's committed offset. */
  TRANSFER(5);

  private static final StateKind[] BY_CODE = new StateKind[8];

  static {
    for (StateKind k : values()) {
      BY_CODE[k.code] = k;
    }
  }

  private final int code;

  StateKind(int code) {
    this.code = code;
  }

  /** The one-byte code used in key bytes. */
  public int code() {
    return code;
  }

  /**
   * The kind with this code.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static StateKind ofCode(int code) {
    StateKind k = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (k == null) {
      throw new IllegalArgumentException("unknown state kind code " + code);
    }
    return k;
  }
}
