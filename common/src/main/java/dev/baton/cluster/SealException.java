package dev.baton.cluster;

/** A sealed message that does not authenticate: tampered, truncated or sealed with another key. */
final class SealException extends Exception {
  SealException(String message, Throwable cause) {
    super(message, cause);
  }
}
