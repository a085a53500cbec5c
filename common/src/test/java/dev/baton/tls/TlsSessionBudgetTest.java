package dev.baton.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TlsSessionBudgetTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final TlsSessionBudget budget = new TlsSessionBudget(10_000, 300_000, now::get);

  @Test
  void sessionsBeyondTheBytesOfOneLifetimeAreNotShared() {
    int admitted = 0;
    for (int i = 0; i < 1000; i++) {
      admitted += budget.admit(400) ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(25);
    assertThat(budget.admit(1)).as("full to the byte").isFalse();
  }

  @Test
  void theBudgetComesBackOnceTheSharedSessionsHaveExpired() {
    while (budget.admit(400)) {
      now.addAndGet(1_000_000_000L); // one a second
    }
    now.addAndGet(1_000_000_000L);
    assertThat(budget.admit(400)).as("the earliest are still alive").isFalse();
    now.addAndGet(310_000_000_000L); // more than a lifetime later: all of them have expired
    assertThat(budget.admit(10_000)).isTrue();
  }

  @Test
  void noLiveMomentHoldsMoreThanTheBound() {
    // Sessions admitted at a steady pace over three lifetimes: at any moment, those still alive
    // (admitted less than a lifetime ago) never add up to more than the bound.
    java.util.ArrayDeque<long[]> alive = new java.util.ArrayDeque<>();
    long live = 0;
    for (int i = 0; i < 9000; i++) {
      now.addAndGet(100_000_000L);
      while (!alive.isEmpty() && alive.peekFirst()[0] <= now.get() - 300_000_000_000L) {
        live -= alive.pollFirst()[1];
      }
      if (budget.admit(400)) {
        alive.addLast(new long[] {now.get(), 400});
        live += 400;
      }
      assertThat(live).isLessThanOrEqualTo(10_000);
    }
  }
}
