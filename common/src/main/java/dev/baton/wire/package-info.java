/**
 * The wire format: the header of every message and stored value ({@link dev.baton.wire.WireFormat}),
 * bounded readers and writers ({@link dev.baton.wire.WireReader}, {@link dev.baton.wire.WireWriter},
 * {@link dev.baton.wire.CodecLimits}), the frames and messages nodes exchange
 * ({@link dev.baton.wire.Frames}, {@link dev.baton.wire.ClusterMessages}), and the envelope every
 * datagram of an encrypted cluster travels in: AES-GCM under keys derived from the cluster secret,
 * replays refused ({@link dev.baton.wire.Envelope}, {@link dev.baton.wire.KeyMaterial}).
 *
 * <p>May use {@code state}; knows nothing of JGroups.
 */
package dev.baton.wire;
