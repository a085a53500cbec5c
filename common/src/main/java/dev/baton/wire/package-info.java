/**
 * The wire format: the header of every message and stored value ({@link dev.baton.wire.WireFormat}),
 * bounded readers and writers ({@link dev.baton.wire.WireReader}, {@link dev.baton.wire.WireWriter},
 * {@link dev.baton.wire.CodecLimits}), the messages nodes exchange
 * ({@link dev.baton.wire.ClusterMessages}), and the envelope around them: frames, sealed with
 * AES-GCM under keys derived from the cluster secret ({@link dev.baton.wire.Frames},
 * {@link dev.baton.wire.KeyMaterial}).
 *
 * <p>May use {@code state} (and commons-pool2 for pooled ciphers); knows nothing of JGroups.
 */
package dev.baton.wire;
