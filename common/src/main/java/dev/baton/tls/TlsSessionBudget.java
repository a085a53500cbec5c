package dev.baton.tls;

import java.util.function.LongSupplier;

/**
 * The bound on the TLS sessions a node shares. Any client can make a full handshake, and each
 * makes a session; without a bound, anonymous handshakes would fill every node's heap for as long
 * as a session lives. A node shares at most {@code maxBytes} of sessions per {@code lifetime}: since
 * each expires {@code lifetime} after it is shared, no more than {@code maxBytes} of what it shared
 * is alive at any time, and a node holds at most members times that. A session beyond the budget
 * is not shared: it still works, and resumes on the node that made it only while that node has it
 * (with the cluster as its only cache, not at all), so the client makes a full handshake elsewhere.
 * Thread-safe.
 */
public final class TlsSessionBudget {

  private static final int BUCKETS = 64;

  private final long maxBytes;
  private final long bucketNanos;
  private final LongSupplier nanoClock;
  private final long[] bytes = new long[BUCKETS];
  private final long[] bucketOf = new long[BUCKETS];

  /**
   * @param maxBytes bytes of sessions shared per {@code lifetimeMillis}
   * @param lifetimeMillis how long a shared session lives
   */
  public TlsSessionBudget(long maxBytes, long lifetimeMillis, LongSupplier nanoClock) {
    this.maxBytes = maxBytes;
    this.bucketNanos = Math.max(1, lifetimeMillis * 1_000_000L / (BUCKETS - 1));
    this.nanoClock = nanoClock;
    java.util.Arrays.fill(bucketOf, Long.MIN_VALUE);
  }

  /** Whether a session of {@code n} bytes may be shared now; if so it is counted. */
  public synchronized boolean admit(long n) {
    long bucket = nanoClock.getAsLong() / bucketNanos;
    long sum = 0;
    // The last BUCKETS buckets span more than the lifetime: everything still alive is counted.
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketOf[i] > bucket - BUCKETS) {
        sum += bytes[i];
      }
    }
    if (sum + n > maxBytes) {
      return false;
    }
    int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
    if (bucketOf[slot] != bucket) {
      bucketOf[slot] = bucket;
      bytes[slot] = 0;
    }
    bytes[slot] += n;
    return true;
  }
}
