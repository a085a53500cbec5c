package dev.baton.cluster;

/**
 * A write that could not be replicated as its write mode asks: in sync mode with
 * {@code syncTimeoutAction=fail}, an owner did not acknowledge in time. The write is applied on this
 * node and may have reached some owners.
 */
public final class ReplicationException extends RuntimeException {
  public ReplicationException(String message, Throwable cause) {
    super(message, cause);
  }
}
