package dev.baton.cluster;

import dev.baton.wire.ClusterMessages;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jgroups.Address;
import org.jgroups.View;

/**
 * What the engine needs from the network, and nothing more: the seam in front of JGroups
 * ({@link JGroupsTransport}), so that the engine's logic can also run over an in-memory network in
 * unit tests. Frames are opaque bytes here: the engine writes and opens them
 * ({@link dev.baton.wire.Frames}); sealing them is the transport's ({@link SealedTransport}). Members are named by JGroups {@link Address}es and views are
 * JGroups {@link View}s, which are plain values.
 */
interface Transport extends AutoCloseable {

  /** The reply that acknowledges a request: a sync write was applied. */
  byte[] ACK = new byte[0];

  /** Joins the cluster; from then on {@code inbound} is told of views and messages. */
  void connect(Inbound inbound) throws Exception;

  /** This member's address; valid once connected. */
  Address self();

  /** Sends {@code frame} to every other member, without waiting for anything. */
  void multicast(byte[] frame) throws Exception;

  /**
   * Sends {@code frame} to every other member; the future completes when each member of
   * {@code ackFrom} has replied, has left the view, or the sync timeout passed.
   *
   * @param onlySync the frame carries sync writes only: it bypasses flow control (see
   *     {@link WriteSender.Wire#cast})
   */
  CompletableFuture<Acks> multicastAcked(byte[] frame, Collection<Address> ackFrom, boolean onlySync)
      throws Exception;

  /** Sends {@code frame} to one member, without waiting for anything. */
  void unicast(Address target, byte[] frame) throws Exception;

  /**
   * Asks {@code targets} (out of band: not behind their queued writes) and returns the replies that
   * came within {@code timeoutMillis}; a member that did not reply, or replied nothing, is absent.
   */
  Map<Address, byte[]> ask(List<Address> targets, byte[] frame, long timeoutMillis) throws Exception;

  /**
   * Removes {@code member} from the view, as if the failure detection had suspected it; only the
   * coordinator's call takes effect.
   */
  void exclude(Address member);

  /** The largest frame the transport sends in one piece (one datagram on UDP). */
  int fragmentSize();

  /** Retransmissions this member asked for so far (NAK repair), for the metrics. */
  long retransmissionRequests();

  /** Leaves the cluster. */
  @Override
  void close();

  /** What the transport delivers to the engine; called on the transport's threads. */
  interface Inbound {

    /** A new view; the first one arrives during {@link #connect}. */
    void viewAccepted(View view);

    /**
     * Writes of a plaintext frame that the transport read as it arrived (see {@link FrameMessage}).
     *
     * @return the reply: {@link #ACK}, or null
     */
    byte[] writes(Address from, List<ClusterMessages.Incoming> writes);

    /**
     * Any other frame, as {@code len} bytes of {@code buf} from {@code off}; the bytes may be
     * reused once this returns.
     *
     * @return the reply: {@link #ACK} for writes, an answer's frame, or null
     */
    byte[] frame(Address from, byte[] buf, int off, int len);
  }

  /** Who answered a multicast that asked for acknowledgements. */
  interface Acks {
    /** {@code member} acknowledged: replied {@link #ACK} (a member that refused the frame replies nothing). */
    boolean received(Address member);

    /** {@code member} was suspected or left before replying. */
    boolean suspected(Address member);
  }
}
