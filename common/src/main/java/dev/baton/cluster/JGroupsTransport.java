package dev.baton.cluster;

import dev.baton.wire.Envelope;
import dev.baton.wire.KeyMaterial;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestHandler;
import org.jgroups.blocks.RequestOptions;
import org.jgroups.blocks.ResponseMode;
import org.jgroups.blocks.RspFilter;
import org.jgroups.protocols.Fragmentation;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.Rsp;
import org.jgroups.util.RspList;

/**
 * The engine's {@link Transport} over a JGroups channel built from the node's stack
 * ({@link ChannelFactory}). Members carry their node name and tiered role in their address, so every
 * member places keys alike. Frames travel as {@link FrameMessage}s.
 */
final class JGroupsTransport implements Transport {

  private static final byte[] EDGE = {'E'};
  private static final byte[] REPOSITORY = {'R'};

  private final ClusterSettings settings;
  private final JChannel channel;
  private MessageDispatcher dispatcher;

  /**
   * @param keys the keys of the cluster's secrets, the sealing one first; empty in a plaintext cluster
   * @param refused told of every datagram or frame the envelope refused
   */
  JGroupsTransport(ClusterSettings settings, List<KeyMaterial> keys, BiConsumer<Envelope.RejectedException, Object> refused)
      throws Exception {
    this.settings = settings;
    this.channel = ChannelFactory.create(settings, keys.isEmpty() ? null : keys.get(0));
    if (!keys.isEmpty()) {
      ((SealedTransport) channel.getProtocolStack().getTransport())
          .seal(new Envelope(keys.stream().map(KeyMaterial::envelopeMaster).toList()), refused);
    }
    String name = settings.nodeName();
    byte[] role = settings.role() == ClusterSettings.Role.REPOSITORY ? REPOSITORY : EDGE;
    channel.name(name);
    channel.addAddressGenerator(() -> ExtendedUUID.randomUUID(name)
        .put(Membership.NAME, name.getBytes(StandardCharsets.UTF_8))
        .put(Membership.ROLE, role));
  }

  @Override
  public void connect(Inbound inbound) throws Exception {
    FrameMessage.register();
    RequestHandler handler = msg -> msg instanceof FrameMessage f && f.writes() != null
        ? inbound.writes(msg.getSrc(), f.writes())
        : inbound.frame(msg.getSrc(), msg.getArray(), msg.getOffset(), msg.getLength());
    // Responses are handled on the thread that received them. Without virtual threads JGroups
    // hands each batch of responses to the common ForkJoinPool: one more thread to wake per
    // acknowledgement, for callbacks that only complete futures and unpark their waiters.
    dispatcher = new MessageDispatcher(channel, handler).asyncRspHandling(false);
    dispatcher.setReceiver(new Receiver() {
      @Override
      public void viewAccepted(View view) {
        inbound.viewAccepted(view);
      }
    });
    try {
      channel.connect(settings.clusterName());
    } catch (SecurityException e) {
      throw new ClusterConfigException(settings.encrypted() ? "secret" : "encryption",
          "cluster '" + settings.clusterName() + "' refused this node (" + e.getMessage() + ")",
          "give every node the same cluster secret, and encryption=none on all nodes or none");
    }
  }

  @Override
  public Address self() {
    return channel.getAddress();
  }

  /** The channel, for tests that inject faults into its stack. */
  JChannel channel() {
    return channel;
  }

  @Override
  public void multicast(byte[] frame) throws Exception {
    dispatcher.castMessage(null, new FrameMessage(frame),
        RequestOptions.ASYNC().transientFlags(Message.TransientFlag.DONT_LOOPBACK));
  }

  @Override
  public CompletableFuture<Acks> multicastAcked(byte[] frame, Collection<Address> ackFrom, boolean onlySync)
      throws Exception {
    RequestOptions sync = new RequestOptions(ResponseMode.GET_ALL, settings.syncTimeout().toMillis(), false,
        new OwnersAcked(ackFrom)).transientFlags(Message.TransientFlag.DONT_LOOPBACK);
    // Sync writes are paced by their acknowledgements (a window of one message): MFC's credits would
    // add nothing but a way to block the receiver thread that may send them.
    CompletableFuture<RspList<Object>> rsps = dispatcher.castMessageWithFuture(null, new FrameMessage(frame),
        onlySync ? sync.flags(Message.Flag.NO_FC) : sync);
    CompletableFuture<Acks> acks = rsps.thenApply(RspAcks::new);
    // JGroups' future does not end at the timeout by itself; a timed get of its request does, with
    // the replies that came (and ends the request), so an owner that never answers is known by name.
    // On JGroups' own timer: a thread started here could be a web application's (a request's) and
    // hold its class loader.
    channel.getProtocolStack().getTransport().getTimer().schedule(() -> {
      if (!acks.isDone()) {
        try {
          acks.complete(new RspAcks(rsps.get(0, TimeUnit.MILLISECONDS)));
        } catch (Exception ex) {
          acks.completeExceptionally(ex);
        }
      }
    }, settings.syncTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return acks;
  }

  @Override
  public void unicast(Address target, byte[] frame) throws Exception {
    dispatcher.castMessage(List.of(target), new FrameMessage(frame), RequestOptions.ASYNC().anycasting(true));
  }

  @Override
  public Map<Address, byte[]> ask(List<Address> targets, byte[] frame, long timeoutMillis) throws Exception {
    RspList<byte[]> rsps = dispatcher.castMessage(targets, new FrameMessage(frame),
        new RequestOptions(ResponseMode.GET_ALL, timeoutMillis).anycasting(true).flags(Message.Flag.OOB));
    Map<Address, byte[]> replies = new HashMap<>();
    for (Map.Entry<Address, Rsp<byte[]>> r : rsps.entrySet()) {
      if (r.getValue().getValue() != null) {
        replies.put(r.getKey(), r.getValue().getValue());
      }
    }
    return replies;
  }

  @Override
  public void exclude(Address member) {
    // GMS takes a suspicion from below as the failure detection hands it up; on the coordinator it
    // installs a view without the member.
    GMS gms = channel.getProtocolStack().findProtocol(GMS.class);
    if (gms != null) {
      gms.up(new Event(Event.SUSPECT, List.of(member)));
    }
  }

  @Override
  public int fragmentSize() {
    // A stack without fragmentation gets batches of JGroups' own default fragment size.
    Fragmentation frag = channel.getProtocolStack().findProtocol(Fragmentation.class);
    return frag != null ? frag.getFragSize() : 60_000;
  }

  @Override
  public long retransmissionRequests() {
    NAKACK2 nak = channel.getProtocolStack().findProtocol(NAKACK2.class);
    return nak == null ? 0 : nak.getXmitRequestsSent();
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      dispatcher.stop();
    }
    channel.close();
  }

  /** The replies of an acknowledged multicast: only {@link Transport#ACK} acknowledges. */
  private record RspAcks(RspList<Object> rsps) implements Acks {
    @Override
    public boolean received(Address member) {
      Rsp<Object> r = rsps.get(member);
      return r != null && r.wasReceived() && r.getValue() instanceof byte[] b && b.length == 0;
    }

    @Override
    public boolean suspected(Address member) {
      return rsps.isSuspected(member);
    }
  }

  /** Completes a sync write once every listed owner has answered (or left). */
  private static final class OwnersAcked implements RspFilter {
    private final Set<Address> waiting;

    OwnersAcked(Collection<Address> owners) {
      this.waiting = new HashSet<>(owners);
    }

    @Override
    public synchronized boolean isAcceptable(Object response, Address sender) {
      waiting.remove(sender);
      return true;
    }

    @Override
    public synchronized boolean needMoreResponses() {
      return !waiting.isEmpty();
    }
  }
}
