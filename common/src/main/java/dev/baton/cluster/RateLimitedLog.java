package dev.baton.cluster;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Warnings about what a stranger or a broken peer can repeat at will (a bad message, an unreadable
 * session): said at most once per {@link #INTERVAL_MILLIS}, the rest counted by the caller's metrics,
 * so nobody can flood the log. Never pass contents, keys or whole session ids. Thread-safe.
 */
public final class RateLimitedLog {

  /** The shortest time between two warnings of one log. */
  public static final long INTERVAL_MILLIS = 10_000;

  private final System.Logger logger;
  private final String prefix;
  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE / 2);

  /** @param prefix put before every warning, such as {@code "[node1] "} */
  public RateLimitedLog(System.Logger logger, String prefix) {
    this.logger = logger;
    this.prefix = prefix;
  }

  /** Logs {@code message} as a warning unless a warning of this log was said within the interval. */
  public void warn(String message) {
    warn(() -> message);
  }

  /** As {@link #warn(String)}, building the message only if it is said (for what strangers repeat). */
  public void warn(Supplier<String> message) {
    long now = System.currentTimeMillis();
    long prev = last.get();
    if (now - prev >= INTERVAL_MILLIS && last.compareAndSet(prev, now)) {
      logger.log(Level.WARNING, prefix + message.get() + " (further warnings are held back for "
          + INTERVAL_MILLIS / 1000 + " s)");
    }
  }
}
