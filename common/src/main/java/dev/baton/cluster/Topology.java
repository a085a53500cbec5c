package dev.baton.cluster;

/** How entries are spread over the members. */
public enum Topology {
  /** Every node holds every entry. */
  REPLICATED,
  /** Each entry lives on {@code owners} members chosen by rendezvous hashing of its key. */
  PARTITIONED,
  /**
   * Repository members hold every entry; edge members hold what they serve in a bounded near-cache
   * and ask a repository for the rest.
   */
  TIERED
}
