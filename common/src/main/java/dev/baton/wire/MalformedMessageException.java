package dev.baton.wire;

import java.io.IOException;

/**
 * A buffer that is not a well-formed Baton message: wrong magic or version, a length beyond its
 * bound or beyond the buffer, a truncated field, bad UTF-8 or a value out of range. The receiver
 * drops the message and counts it; nothing was allocated beyond the declared bounds.
 */
public class MalformedMessageException extends IOException {
  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
