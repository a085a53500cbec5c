package dev.baton.cluster;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;

/**
 * How the deltas of one state kind apply to a value, registered by the layer that owns the kind
 * ({@link ClusterNode#registerDeltas}). Runs on a cluster thread: no blocking, no class loading of
 * application classes.
 */
@FunctionalInterface
public interface DeltaApplier {

  /**
   * The value {@code delta} makes of {@code base}.
   *
   * @throws MalformedMessageException if {@code base} or {@code delta} is malformed or over
   *     {@code limits}
   */
  byte[] apply(byte[] base, byte[] delta, CodecLimits limits) throws MalformedMessageException;
}
