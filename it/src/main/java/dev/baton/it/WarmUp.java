package dev.baton.it;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warms a benchmark up until the JIT has settled, rather than for a fixed count: on two cores a C2
 * compiler thread still busy with the measured path takes a core from it, and a fixed warm-up
 * that suits one path (raw JGroups) is too short for another (Baton's, which has more code).
 */
final class WarmUp {

  /** A round of the measured work, the same as one measured run. */
  interface Round {
    void run() throws Exception;
  }

  /** Bound on the rounds, so that a JIT that never settles cannot hold the benchmark up. */
  static final int MAX_ROUNDS = 8;

  private WarmUp() {}

  /**
   * Runs {@code round} until one round of at least the second has the JIT compiling for less than
   * a twentieth of the round's wall time, or {@link #MAX_ROUNDS} rounds.
   *
   * @return the rounds run
   */
  static int untilCompiled(Round round) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      round.run();
      round.run();
      return 2;
    }
    for (int i = 1; ; i++) {
      long compiledBefore = jit.getTotalCompilationTime();
      long start = System.nanoTime();
      round.run();
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      long compiledMillis = jit.getTotalCompilationTime() - compiledBefore;
      if ((i >= 2 && compiledMillis * 20 < tookMillis) || i == MAX_ROUNDS) {
        return i;
      }
    }
  }
}
