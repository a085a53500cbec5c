package dev.baton.wire;

/** A sealed message that does not authenticate: tampered, truncated or sealed with another key. */
public final class SealException extends Exception {
  SealException(String message, Throwable cause) {
    super(message, cause);
  }
}
