package dev.baton.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {

  @Test
  void strictlyIncreasingEvenWhenTheWallClockStandsStillOrGoesBack() {
    AtomicLong wall = new AtomicLong(5000);
    HybridClock c = new HybridClock(wall::get);
    long a = c.next();
    long b = c.next();
    wall.set(4000);
    long d = c.next();
    assertThat(b).isGreaterThan(a);
    assertThat(d).isGreaterThan(b);
    assertThat(HybridClock.physicalMillis(a)).isEqualTo(5000);
  }

  @Test
  void aVersionForAWallTimeTheCallerReadIsAtThatTimeAndStillIncreases() {
    HybridClock c = new HybridClock(() -> 0);
    long a = c.next(5000);
    long b = c.next(4000); // the caller's clock went back
    assertThat(HybridClock.physicalMillis(a)).isEqualTo(5000);
    assertThat(b).isGreaterThan(a);
  }

  @Test
  void afterObservingARemoteVersionTheNextLocalOneIsNewer() {
    HybridClock slow = new HybridClock(() -> 1000);
    long remote = new HybridClock(() -> 9000).next();
    slow.observe(remote);
    assertThat(slow.next()).isGreaterThan(remote);
  }

  @Test
  void versionsCompareByClockThenOrigin() {
    assertThat(Versions.compare(5, 1, 4, 9)).isPositive();
    assertThat(Versions.compare(5, 1, 5, 2)).isNegative();
    assertThat(Versions.compare(5, 2, 5, 2)).isZero();
  }
}
