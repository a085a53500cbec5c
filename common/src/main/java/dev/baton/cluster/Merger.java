package dev.baton.cluster;

import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;

/**
 * How two writes of one key of a state kind combine, registered by the layer that owns the kind
 * ({@link ClusterNode#registerMerger}). A kind with a merger gets merged writes instead of
 * last-writer-wins: whatever this node holds and whatever arrives (a whole value, or a change sent
 * as a delta) become {@code merge(held, incoming)}, and a local write is merged with what arrived
 * since the value it was made from. Only such kinds can send deltas.
 *
 * <p>A merger must be deterministic, commutative, associative and idempotent on the values it
 * produces, so that replicas which merged the same writes in any order, any number of times, hold
 * the same value. Runs on a cluster thread, under the lock of the key's table segment: no blocking,
 * no class loading of application classes.
 */
@FunctionalInterface
public interface Merger {

  /**
   * The value holding both {@code held} and {@code incoming}; {@code held} itself (the same array)
   * if {@code incoming} brings nothing that {@code held} lacks.
   *
   * @throws MalformedMessageException if either value is malformed or over {@code limits}
   */
  byte[] merge(byte[] held, byte[] incoming, CodecLimits limits) throws MalformedMessageException;
}
