package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MissedKeysTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final MissedKeys missed = new MissedKeys(now::get);

  @Test
  void aMissIsRememberedForAtLeastTheMemoryAndForgottenAfterTwice() {
    missed.missed(42);
    assertThat(missed.recentlyMissed(42)).isTrue();
    assertThat(missed.recentlyMissed(43)).isFalse();
    now.addAndGet(MissedKeys.MEMORY_NANOS); // the generation turns: still remembered
    assertThat(missed.recentlyMissed(42)).isTrue();
    now.addAndGet(MissedKeys.MEMORY_NANOS);
    assertThat(missed.recentlyMissed(42)).isFalse();
  }

  @Test
  void rememberedKeysAreBounded() {
    for (long k = 0; k < 3L * MissedKeys.MAX_REMEMBERED; k++) {
      missed.missed(k);
    }
    long remembered = 0;
    for (long k = 0; k < 3L * MissedKeys.MAX_REMEMBERED; k++) {
      remembered += missed.recentlyMissed(k) ? 1 : 0;
    }
    assertThat(remembered).isLessThanOrEqualTo(MissedKeys.MAX_REMEMBERED).isGreaterThanOrEqualTo(MissedKeys.MAX_REMEMBERED / 2);
    assertThat(missed.recentlyMissed(3L * MissedKeys.MAX_REMEMBERED - 1)).as("the newest is kept").isTrue();
  }

  @Test
  void missesBeyondTheBudgetNarrowPullsUntilTheRateFalls() {
    for (int i = 0; i < MissedKeys.BUDGET_PER_SECOND - 1; i++) {
      missed.missed(i);
    }
    assertThat(missed.overBudget()).isFalse();
    missed.missed(-1);
    assertThat(missed.overBudget()).isTrue();
    now.addAndGet(1_000_000_000L / MissedKeys.BUDGET_PER_SECOND); // one miss's worth later
    assertThat(missed.overBudget()).isFalse();
  }
}
