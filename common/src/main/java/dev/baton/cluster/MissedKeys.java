package dev.baton.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What made-up ids may cost the cluster. Any client can send a session id or a TLS session id that
 * exists nowhere, and each would be a pull from other members. A key just pulled and found nowhere
 * is remembered for {@link #MEMORY_NANOS} to {@code 2 *} that, at most {@link #MAX_REMEMBERED} of
 * them, and not pulled again meanwhile: a client repeating one unknown id costs a pull a second.
 * Beyond {@link #BUDGET_PER_SECOND} misses a second (a client making ids up), a pull asks one
 * member, not every one: one cluster message per unknown id, never more. Legitimate ids are never
 * refused a pull; under such a flood they are asked of fewer members.
 */
final class MissedKeys {

  static final long MEMORY_NANOS = 1_000_000_000L;
  static final int MAX_REMEMBERED = 65_536;
  static final int BUDGET_PER_SECOND = 100;

  private final LongSupplier nanoClock;
  private volatile Set<Long> current = ConcurrentHashMap.newKeySet();
  private volatile Set<Long> previous = ConcurrentHashMap.newKeySet();
  private volatile long generationStart;
  private double tokens = BUDGET_PER_SECOND;
  private long refilledAt;

  MissedKeys(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.generationStart = nanoClock.getAsLong();
    this.refilledAt = generationStart;
  }

  /** Whether {@code keyHash} was pulled and found nowhere within the memory. */
  boolean recentlyMissed(long keyHash) {
    rotateIfDue();
    return current.contains(keyHash) || previous.contains(keyHash);
  }

  /** Records that a pull of {@code keyHash} found nothing, spending one of the budget. */
  void missed(long keyHash) {
    rotateIfDue();
    if (current.size() >= MAX_REMEMBERED / 2) {
      rotate(nanoClock.getAsLong());
    }
    current.add(keyHash);
    synchronized (this) {
      refill();
      tokens = Math.max(0, tokens - 1);
    }
  }

  /** Whether misses came faster than the budget: pulls should then ask one member. */
  synchronized boolean overBudget() {
    refill();
    return tokens < 1;
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(BUDGET_PER_SECOND, tokens + (now - refilledAt) * (BUDGET_PER_SECOND / 1e9));
    refilledAt = now;
  }

  private void rotateIfDue() {
    long now = nanoClock.getAsLong();
    if (now - generationStart >= MEMORY_NANOS) {
      rotate(now);
    }
  }

  private synchronized void rotate(long now) {
    if (now - generationStart < MEMORY_NANOS && current.size() < MAX_REMEMBERED / 2) {
      return; // another thread rotated first
    }
    previous = now - generationStart >= 2 * MEMORY_NANOS ? ConcurrentHashMap.newKeySet() : current;
    current = ConcurrentHashMap.newKeySet();
    generationStart = now;
  }
}
