package dev.baton.cluster;

import dev.baton.wire.Envelope;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import javax.management.ObjectName;

/**
 * Counters of one node, shown in JMX under
 * {@code dev.baton:type=ClusterNode,cluster=<clusterName>,node=<nodeName>}. Writers increment
 * {@link LongAdder}s (cheap under contention); the gauges (entries, bytes, members,
 * retransmissions) are read from their owners when asked.
 */
public final class NodeMetrics implements NodeMetricsMXBean {

  final LongAdder writes = new LongAdder();
  final LongAdder writeMessages = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder acks = new LongAdder();
  final LongAdder ackTimeouts = new LongAdder();
  final LongAdder ownersExcluded = new LongAdder();
  final LongAdder copiesApplied = new LongAdder();
  final LongAdder copiesStale = new LongAdder();
  final LongAdder pulls = new LongAdder();
  final LongAdder pullHits = new LongAdder();
  final LongAdder pullMisses = new LongAdder();
  final LongAdder pullsAvoided = new LongAdder();
  final LongAdder pullsNarrowed = new LongAdder();
  final LongAdder pullsAnswered = new LongAdder();
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder rebalanced = new LongAdder();
  final LongAdder deltasSent = new LongAdder();
  final LongAdder deltasApplied = new LongAdder();
  final LongAdder deltaFallbacks = new LongAdder();
  private final LongAdder[] refused = new LongAdder[Envelope.Rejection.values().length];

  private final LongSupplier retransmissions;
  private final LongSupplier ownedEntries;
  private final LongSupplier ownedBytes;
  private final LongSupplier nearEntries;
  private final LongSupplier nearBytes;
  private final IntSupplier members;
  private ObjectName jmxName;

  NodeMetrics(LongSupplier retransmissions, LongSupplier ownedEntries, LongSupplier ownedBytes,
      LongSupplier nearEntries, LongSupplier nearBytes, IntSupplier members) {
    this.retransmissions = retransmissions;
    this.ownedEntries = ownedEntries;
    this.ownedBytes = ownedBytes;
    this.nearEntries = nearEntries;
    this.nearBytes = nearBytes;
    this.members = members;
    for (int i = 0; i < refused.length; i++) {
      refused[i] = new LongAdder();
    }
  }

  /** A unit from the network refused by its envelope. */
  void refused(Envelope.Rejection why) {
    refused[why.ordinal()].increment();
  }

  /** Shows these counters in the platform MBean server; a failure is logged, not thrown. */
  synchronized void register(String clusterName, String nodeName) {
    try {
      jmxName = new ObjectName("dev.baton:type=ClusterNode,cluster=" + ObjectName.quote(clusterName)
          + ",node=" + ObjectName.quote(nodeName));
      ManagementFactory.getPlatformMBeanServer().registerMBean(this, jmxName);
    } catch (Exception ex) {
      jmxName = null;
      System.getLogger(NodeMetrics.class.getName()).log(System.Logger.Level.INFO,
          "node metrics not registered in JMX: " + ex.getMessage());
    }
  }

  synchronized void unregister() {
    if (jmxName != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
      } catch (Exception ex) {
        System.getLogger(NodeMetrics.class.getName()).log(System.Logger.Level.DEBUG,
            "unregistering " + jmxName + ": " + ex.getMessage());
      }
      jmxName = null;
    }
  }

  @Override public long getWrites() { return writes.sum(); }
  @Override public long getWriteMessages() { return writeMessages.sum(); }
  @Override public long getBytesSent() { return bytesSent.sum(); }
  @Override public long getAcks() { return acks.sum(); }
  @Override public long getAckTimeouts() { return ackTimeouts.sum(); }
  @Override public long getOwnersExcluded() { return ownersExcluded.sum(); }
  @Override public long getCopiesApplied() { return copiesApplied.sum(); }
  @Override public long getCopiesStale() { return copiesStale.sum(); }
  @Override public long getPulls() { return pulls.sum(); }
  @Override public long getPullHits() { return pullHits.sum(); }
  @Override public long getPullMisses() { return pullMisses.sum(); }
  @Override public long getPullsAvoided() { return pullsAvoided.sum(); }
  @Override public long getPullsNarrowed() { return pullsNarrowed.sum(); }
  @Override public long getPullsAnswered() { return pullsAnswered.sum(); }
  @Override public long getHits() { return hits.sum(); }
  @Override public long getMisses() { return misses.sum(); }
  @Override public long getRejectedMessages() { return rejected.sum(); }
  @Override public long getRebalancedEntries() { return rebalanced.sum(); }
  @Override public long getDeltasSent() { return deltasSent.sum(); }
  @Override public long getDeltasApplied() { return deltasApplied.sum(); }
  @Override public long getDeltaFallbacks() { return deltaFallbacks.sum(); }
  @Override public long getRetransmissionRequests() { return retransmissions.getAsLong(); }
  @Override public long getOwnedEntries() { return ownedEntries.getAsLong(); }
  @Override public long getOwnedBytes() { return ownedBytes.getAsLong(); }
  @Override public long getNearEntries() { return nearEntries.getAsLong(); }
  @Override public long getNearBytes() { return nearBytes.getAsLong(); }
  @Override public int getMembers() { return members.getAsInt(); }
  @Override public long getRefusedMalformed() { return refused[Envelope.Rejection.MALFORMED.ordinal()].sum(); }
  @Override public long getRefusedUnknownKey() { return refused[Envelope.Rejection.UNKNOWN_KEY.ordinal()].sum(); }
  @Override public long getRefusedForged() { return refused[Envelope.Rejection.FORGED.ordinal()].sum(); }
  @Override public long getRefusedReplayed() { return refused[Envelope.Rejection.REPLAYED.ordinal()].sum(); }
  @Override public long getRefusedStale() { return refused[Envelope.Rejection.STALE.ordinal()].sum(); }

  @Override
  public String toString() {
    return "NodeMetrics[members=" + getMembers() + ", writes=" + getWrites() + ", writeMessages=" + getWriteMessages() + ", acks=" + getAcks()
        + ", ackTimeouts=" + getAckTimeouts() + ", applied=" + getCopiesApplied() + ", stale=" + getCopiesStale()
        + ", pulls=" + getPulls() + " (hits " + getPullHits() + "), rejected=" + getRejectedMessages()
        + ", rebalanced=" + getRebalancedEntries() + ", deltas=" + getDeltasSent() + "/" + getDeltasApplied()
        + " (fallbacks " + getDeltaFallbacks() + ")" + ", owned=" + getOwnedEntries() + ", near=" + getNearEntries() + "]";
  }
}
