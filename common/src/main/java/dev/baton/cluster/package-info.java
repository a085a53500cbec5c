/**
 * The engine: a node's share of the cluster's state cache kept in step with the other nodes.
 * {@link dev.baton.cluster.ClusterNode} is what the adapters and {@code tls} use; behind it
 * ({@code Engine}, package-private) each part has one job: {@code ClusterView} (membership and
 * ownership), {@code LocalStore} (the owned and near tables and where an entry lives),
 * {@code WritePath} and {@code WriteSender} (local writes on their way out), {@code ReceivePath}
 * (what arrives: open, read, apply), {@code Puller} (pull on miss), {@code Rebalancer} and
 * {@code JoinGate} (view changes, join readiness), {@code TouchBatcher} (access times),
 * {@code UpstreamLink} (the tier above), and {@code Transport}, the seam in front of JGroups
 * ({@code JGroupsTransport}, {@code ChannelFactory}, {@code FrameMessage}, {@code ReusingBundler},
 * {@code SecretToken}). The one list of settings is {@link dev.baton.cluster.Settings}.
 *
 * <p>May use {@code hash}, {@code cache}, {@code state}, {@code wire} and JGroups; knows state kinds,
 * not sessions or TLS.
 */
package dev.baton.cluster;
