package dev.baton.shop;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts session listener calls on this node (and carts' activation calls), so tests can check that each fires once. */
public class SessionCounter implements HttpSessionListener {
  static final AtomicInteger CREATED = new AtomicInteger();
  static final AtomicInteger DESTROYED = new AtomicInteger();
  /** Carts told their session is swapped out, and swapped (or loaded) back in. */
  static final AtomicInteger PASSIVATED = new AtomicInteger();
  static final AtomicInteger ACTIVATED = new AtomicInteger();

  @Override
  public void sessionCreated(HttpSessionEvent se) {
    CREATED.incrementAndGet();
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent se) {
    DESTROYED.incrementAndGet();
  }
}
