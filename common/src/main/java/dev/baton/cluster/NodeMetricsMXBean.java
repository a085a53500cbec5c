package dev.baton.cluster;

/** Read-only counters of one cluster node, as shown in JMX under {@code dev.baton:type=ClusterNode}. */
public interface NodeMetricsMXBean {
  long getWrites();
  /** Messages that carried writes; fewer than writes when writes queued up and went out together. */
  long getWriteMessages();
  long getBytesSent();
  long getAcks();
  long getAckTimeouts();

  /** Times this node asked for a member to be removed from the view for missing {@code syncMissesToExclude} acknowledgements in a row. */
  long getOwnersExcluded();
  long getCopiesApplied();
  long getCopiesStale();
  long getPulls();
  long getPullHits();
  long getPullMisses();
  /** Pulls not made: the id was pulled and found nowhere a moment before ({@code MissedKeys}). */
  long getPullsAvoided();
  /** Pulls that asked one member instead of several: misses came faster than 100 a second. */
  long getPullsNarrowed();
  /** Other nodes' pulls this node answered (with what it holds, or that it holds nothing). */
  long getPullsAnswered();
  long getHits();
  long getMisses();
  long getRejectedMessages();
  long getDeltasSent();
  long getDeltasApplied();
  long getDeltaFallbacks();
  long getRebalancedEntries();
  long getRetransmissionRequests();
  long getOwnedEntries();
  long getOwnedBytes();
  long getNearEntries();
  long getNearBytes();
  int getMembers();
  /** Datagrams and frames refused before anything in them was parsed: too short, or not Baton's envelope. */
  long getRefusedMalformed();
  /** Refused: sealed with a key this node does not hold (another secret, another cluster). */
  long getRefusedUnknownKey();
  /** Refused: did not authenticate (forged or tampered). */
  long getRefusedForged();
  /** Refused: a unit already accepted once (a replay or a duplicate). */
  long getRefusedReplayed();
  /** Refused: its time too far from this node's clock, or its counter too far behind its sender's. */
  long getRefusedStale();
}
