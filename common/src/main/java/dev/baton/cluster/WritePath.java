package dev.baton.cluster;

import dev.baton.state.StateEntry;
import dev.baton.wire.ClusterMessages;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jgroups.Address;

/**
 * Local writes: applies a {@link WriteRequest} to the {@link LocalStore}, decides how it travels (a
 * delta, or the whole entry) and to whom it must be acknowledged (the key's other owners, in sync
 * mode), and hands it to the node's {@link WriteSender}, which puts it on the wire in order.
 */
final class WritePath {

  private final ClusterSettings settings;
  private final ClusterView view;
  private final LocalStore store;
  private final WriteSender sender;
  private final OwnerWatch owners;
  private final NodeMetrics metrics;
  private final RateLimitedLog log;

  WritePath(ClusterSettings settings, ClusterView view, LocalStore store, WriteSender sender, OwnerWatch owners,
      NodeMetrics metrics, RateLimitedLog log) {
    this.settings = settings;
    this.view = view;
    this.store = store;
    this.sender = sender;
    this.owners = owners;
    this.metrics = metrics;
    this.log = log;
  }

  Write write(WriteRequest r) {
    Membership m = view.current();
    byte[] key = r.key();
    long h = store.hashOf(key);
    WriteMode mode = r.mode() != null ? r.mode() : settings.writeMode();
    if (r.value() == null) {
      return replicate(store.remove(m, key, h), m, h, mode);
    }
    Merger merger = store.mergerOf(key);
    if (r.base() == null && merger == null) {
      return replicate(store.put(m, key, h, r.value(), r.maxIdleMillis()), m, h, mode);
    }
    StateEntry base = r.base();
    if (base != null && deletedSince(key, base)) {
      return new Started(store.getAny(key), null, List.of()); // a delete elsewhere wins over this write
    }
    boolean[] onBase = new boolean[1];
    StateEntry written = store.compute(m, key, h, r.maxIdleMillis(), current -> {
      // The table never copies values, so the same array means the same write.
      onBase[0] = base != null && current != null && current == base.value();
      return onBase[0] || current == null || merger == null ? r.value() : mergeLocal(merger, current, r.value());
    });
    if (onBase[0] && r.delta() != null && !ClusterView.alone(m)) {
      metrics.deltasSent.increment();
      return send(written, m, h, new ClusterMessages.Part(ClusterMessages.TYPE_DELTA,
          ClusterMessages.delta(m.viewId(), base, written, r.delta())), mode);
    }
    return replicate(written, m, h, mode);
  }

  /** Whether the incarnation {@code base} belongs to was deleted (here, or by a copy from elsewhere). */
  private boolean deletedSince(byte[] key, StateEntry base) {
    StateEntry held = store.getAny(key);
    return held != null && held.isTombstone() && held.createdMillis() != StateEntry.NO_INCARNATION
        && base.createdMillis() <= held.createdMillis();
  }

  /**
   * A local write of a merging kind made from an older value: merged with what arrived meanwhile,
   * so that another node's change to another part survives it.
   */
  private byte[] mergeLocal(Merger merger, byte[] current, byte[] value) {
    try {
      return merger.merge(current, value, CodecLimits.DEFAULT);
    } catch (MalformedMessageException ex) {
      log.warn("a local write could not be merged with the copy held (" + ex.getMessage() + "); it replaces it");
      return value;
    }
  }

  /**
   * Sends a copy made in another cluster (same version) on into this one, if it is newer than what
   * this node holds: how a repository feeds the repository above it.
   */
  void forward(StateEntry copy) {
    Membership m = view.current();
    long h = store.hashOf(copy.key());
    if (store.keep(m, copy, h)) {
      replicate(copy, m, h, WriteMode.ASYNC);
    }
  }

  private Write replicate(StateEntry e, Membership m, long h, WriteMode mode) {
    if (ClusterView.alone(m)) {
      return new Started(e, null, List.of());
    }
    return send(e, m, h, new ClusterMessages.EntryWrite(ClusterMessages.PURPOSE_WRITE, m.viewId(), e), mode);
  }

  /** Sends a write once; in sync mode the returned write can wait for the key's other owners. */
  private Write send(StateEntry e, Membership m, long h, ClusterMessages.Outgoing part, WriteMode mode) {
    metrics.writes.increment();
    if (mode == WriteMode.SYNC) {
      List<Address> targets = view.otherOwners(m, h);
      if (!targets.isEmpty()) {
        return new Started(e, sender.sendSync(e, h, part, targets), targets);
      }
    }
    sender.sendAsync(e, h, part);
    return new Started(e, null, List.of());
  }

  /** A write handed to the sender; in sync mode with the acknowledgements it waits for. */
  private final class Started implements Write {
    private final StateEntry entry;
    private final CompletableFuture<Transport.Acks> acks;
    private final List<Address> targets;

    Started(StateEntry entry, CompletableFuture<Transport.Acks> acks, List<Address> targets) {
      this.entry = entry;
      this.acks = acks;
      this.targets = targets;
    }

    @Override
    public StateEntry entry() {
      return entry;
    }

    @Override
    public StateEntry awaitReplicated() {
      if (acks == null) {
        return entry;
      }
      Transport.Acks rsps;
      try {
        // A write may wait for the message before it (WriteSender's window), then for its own acks.
        rsps = acks.get(2 * settings.syncTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return failed("interrupted while waiting for acknowledgements", ex);
      } catch (ExecutionException | TimeoutException ex) {
        return failed("replication failed: " + ex, ex);
      }
      Membership now = view.current();
      long deadline = System.nanoTime() + settings.syncTimeout().toNanos();
      int missing = 0;
      for (Address t : targets) {
        if (rsps.received(t)) {
          metrics.acks.increment();
          owners.acked(t);
        } else if (now.contains(t) && !(rsps.suspected(t) && leaves(t, deadline))) {
          missing++;
          owners.missed(now, t);
        }
      }
      if (missing > 0) {
        return failed(missing + " owner(s) did not acknowledge a write within " + settings.syncTimeout().toMillis()
            + " ms (syncTimeout)", null);
      }
      return entry;
    }

    /**
     * Whether an owner that JGroups suspected before it answered leaves the view in time: only then
     * is it gone. A suspicion is not a verdict (a slow member, or a failure detector still
     * connecting to a member that has just joined), and a write it did not acknowledge is not known
     * to be there.
     */
    private boolean leaves(Address owner, long deadline) {
      try {
        return view.awaitLeft(owner, deadline);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    private StateEntry failed(String message, Throwable cause) {
      metrics.ackTimeouts.increment();
      if (settings.failOnSyncTimeout()) {
        throw new ReplicationException(message, cause);
      }
      log.warn(message + "; answered as if replicated (syncTimeoutAction=async)");
      return entry;
    }
  }
}
