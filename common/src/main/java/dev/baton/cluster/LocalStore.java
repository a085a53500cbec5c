package dev.baton.cluster;

import dev.baton.cache.HashRange;
import dev.baton.cache.StateTable;
import dev.baton.hash.BuzHash;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKind;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The entries this node holds, in two tables: those it owns (unbounded: an owner must not lose a
 * copy) and those it holds without owning them (what it serves, bounded by {@code nearCacheBytes}).
 *
 * <p><b>Placement</b>, the rule this class alone enforces: an entry lives in the table the
 * <em>current</em> view puts it in, and in that table only. Every write here (local, or a copy from
 * another node) first takes over whatever the other table holds for the key (by version, so nothing
 * newer is lost), writes into the table of the view its caller read, and, if a new view was
 * installed meanwhile, moves the entry to that view's table. A view's own pass over the tables
 * ({@link #forEachPlacing}) runs after the view is installed, so an entry placed by an older view
 * is moved either by that pass or by the write that placed it, whichever comes second.
 *
 * <p><b>Merging</b>: for a state kind with a {@link Merger}, a copy from another node, or a change
 * sent as a delta, is merged into the live value held for its incarnation under the segment's
 * lock, never put over it; deletes win over their incarnation ({@link dev.baton.state.Versions#supersedes}).
 *
 * <p>Both tables stamp local writes with the node's one {@link HybridClock}.
 */
final class LocalStore {

  private final StateTable owned;
  private final StateTable near;
  private final ClusterView view;
  private final HybridClock clock;
  private final AtomicReferenceArray<Merger> mergers = new AtomicReferenceArray<>(256);

  LocalStore(ClusterSettings settings, BuzHash hash, HybridClock clock, int nodeId, ClusterView view) {
    this.owned = StateTable.builder(hash).versions(clock).nodeId(nodeId)
        .tombstoneTtl(settings.tombstoneTtl()).tombstoneTtlNoTimeout(settings.tombstoneTtlNoTimeout()).build();
    this.near = StateTable.builder(hash).versions(clock).nodeId(nodeId)
        .tombstoneTtl(settings.tombstoneTtl()).tombstoneTtlNoTimeout(settings.tombstoneTtlNoTimeout())
        .maxBytes(settings.nearCacheBytes()).build();
    this.view = view;
    this.clock = clock;
  }

  void registerMerger(StateKind kind, Merger merger) {
    mergers.set(kind.code(), merger);
  }

  /** The merger of the key's state kind, or null if its writes do not merge. */
  Merger mergerOf(byte[] key) {
    return mergers.get(key[0] & 0xFF);
  }

  /** The table of owned entries (for tests, and the metrics). */
  StateTable owned() {
    return owned;
  }

  /** The table of entries held without owning them (for tests, and the metrics). */
  StateTable near() {
    return near;
  }

  long hashOf(byte[] key) {
    return owned.hashOf(key);
  }

  /** The live entry held here, or null. */
  StateEntry get(byte[] key) {
    StateEntry e = owned.getEntry(key);
    return e != null ? e : near.getEntry(key);
  }

  /** Whatever is held here for the key (live, expired or a tombstone), or null. */
  StateEntry getAny(byte[] key) {
    StateEntry e = owned.getAnyEntry(key);
    return e != null ? e : near.getAnyEntry(key);
  }

  /** Every live entry held here, weakly consistent, without locking. */
  void forEachLive(Consumer<StateEntry> action) {
    long now = System.currentTimeMillis();
    for (StateTable t : List.of(owned, near)) {
      t.forEach(HashRange.ALL, e -> {
        if (e.isLiveAt(now)) {
          action.accept(e);
        }
      });
    }
  }

  /**
   * A view's pass over the tables: tells {@code visitor} of every entry held (live, expired or a
   * tombstone) with its key hash, then moves it to the table {@code next} puts it in.
   */
  void forEachPlacing(Membership next, BiConsumer<StateEntry, Long> visitor) {
    for (StateTable table : List.of(owned, near)) {
      table.forEach(HashRange.ALL, e -> {
        long h = owned.hashOf(e.key());
        visitor.accept(e, h);
        StateTable right = tableFor(next, h);
        if (right != table) {
          move(e, h, table, right);
        }
      });
    }
  }

  // ------------------------------------------------------------------ local writes

  /** Writes {@code value} under a new version, placed by view {@code m}. */
  StateEntry put(Membership m, byte[] key, long h, byte[] value, long maxIdleMillis) {
    StateTable t = takeOver(tableFor(m, h), key, h);
    return settle(t.put(key, h, value, maxIdleMillis), h, t, m);
  }

  /** {@link StateTable#compute} in the table of view {@code m}: {@code fn} sees the live value there. */
  StateEntry compute(Membership m, byte[] key, long h, long maxIdleMillis, UnaryOperator<byte[]> fn) {
    StateTable t = takeOver(tableFor(m, h), key, h);
    StateEntry written = t.compute(key, h, maxIdleMillis, fn);
    return written == null ? null : settle(written, h, t, m);
  }

  /** Deletes the key under a new version: a tombstone, placed by view {@code m}. */
  StateEntry remove(Membership m, byte[] key, long h) {
    StateTable t = takeOver(tableFor(m, h), key, h);
    return settle(t.remove(key, h), h, t, m);
  }

  // ------------------------------------------------------------------ copies from other nodes

  /**
   * What the table of view {@code m} holds for the key (live, expired or a tombstone), or null:
   * what an incoming change is judged against.
   */
  StateEntry held(Membership m, byte[] key, long h) {
    return tableFor(m, h).getAnyEntry(key, h);
  }

  /** What {@link #apply} did with a copy. */
  enum Applied {
    APPLIED, STALE, NOT_KEPT,
    /** A change, and no live value of its incarnation is held to merge it into. */
    NO_BASE,
    /** The kind's merger found the copy or the held value malformed; nothing changed. */
    MALFORMED
  }

  /**
   * Applies a copy made elsewhere if it is newer than what is held, placed by view {@code m}. A copy
   * of a key this node does not own by {@code m} is kept only if {@code keepUnowned} (its sender
   * believed this node owns it: a push, or a write made in another view) or if this node serves
   * the key (holds it near).
   *
   * @param clockObserved whether the node's clock has already observed the copy's version
   */
  Applied apply(Membership m, StateEntry copy, long h, boolean keepUnowned, boolean clockObserved) {
    byte[] key = copy.key();
    StateTable to = tableFor(m, h);
    if (to == near && !keepUnowned && near.getAnyEntry(key, h) == null) {
      return Applied.NOT_KEPT;
    }
    StateTable t = takeOver(to, key, h);
    Merger merger = copy.value() == null ? null : mergerOf(key);
    if (merger != null) {
      if (!clockObserved) {
        clock.observe(copy.version());
      }
      return merge(m, t, copy, h, true, merger);
    }
    if (!(clockObserved ? t.putIfNewerObserved(copy, h) : t.putIfNewer(copy, h))) {
      return Applied.STALE;
    }
    settle(copy, h, t, m);
    return Applied.APPLIED;
  }

  /**
   * Merges a change made elsewhere ({@code change}'s value is the delta, see {@link Merger}) into the
   * live value held for its incarnation in the table of view {@code m}; the caller has made the
   * clock observe its version.
   */
  Applied applyChange(Membership m, StateEntry change, long h) {
    Merger merger = mergerOf(change.key());
    if (merger == null) {
      return Applied.NO_BASE;
    }
    return merge(m, takeOver(tableFor(m, h), change.key(), h), change, h, false, merger);
  }

  private Applied merge(Membership m, StateTable t, StateEntry copy, long h, boolean whole, Merger merger) {
    MalformedMessageException[] failed = new MalformedMessageException[1];
    StateTable.Merged r = t.putMerged(copy, h, whole, held -> {
      try {
        return merger.merge(held, copy.value(), CodecLimits.DEFAULT);
      } catch (MalformedMessageException ex) {
        failed[0] = ex;
        return held;
      }
    });
    if (failed[0] != null) {
      return Applied.MALFORMED;
    }
    return switch (r) {
      case APPLIED -> {
        StateEntry now = t.getAnyEntry(copy.key(), h);
        if (now != null) {
          settle(now, h, t, m);
        }
        yield Applied.APPLIED;
      }
      case UNCHANGED -> Applied.STALE;
      case NO_BASE -> Applied.NO_BASE;
    };
  }

  /** {@link #apply} of a copy this node keeps whoever owns it (a pulled or forwarded entry). */
  boolean keep(Membership m, StateEntry copy, long h) {
    return apply(m, copy, h, true, false) == Applied.APPLIED;
  }

  /** Moves a live entry's last access forward (an access reported by another node). */
  void touch(byte[] key, long atMillis) {
    if (!owned.touch(key, atMillis)) {
      near.touch(key, atMillis);
    }
  }

  /** Marks a live entry as accessed at {@code atMillis}; false if none is held. */
  boolean touchLocal(byte[] key, long atMillis) {
    return owned.touch(key, atMillis) || near.touch(key, atMillis);
  }

  /** Expires idle entries and reclaims old tombstones in both tables. */
  void sweep() {
    owned.sweep();
    near.sweep();
  }

  // ------------------------------------------------------------------ placement

  private StateTable tableFor(Membership m, long h) {
    return view.owns(m, h) ? owned : near;
  }

  /**
   * {@code to}, after taking into it what the other table holds for the key (in the usual case
   * nothing, found without a lock).
   */
  private StateTable takeOver(StateTable to, byte[] key, long h) {
    StateTable from = to == owned ? near : owned;
    StateEntry other = from.getAnyEntry(key, h);
    if (other != null) {
      move(other, h, from, to);
    }
    return to;
  }

  /** Moves {@code e} to the current view's table if a view newer than {@code m} came meanwhile. */
  private StateEntry settle(StateEntry e, long h, StateTable placedIn, Membership m) {
    Membership now = view.current();
    if (now != m) {
      StateTable right = tableFor(now, h);
      if (right != placedIn) {
        move(e, h, placedIn, right);
      }
    }
    return e;
  }

  /** Moves {@code e} between the tables, unless {@code from} holds a newer write by now. */
  private static void move(StateEntry e, long h, StateTable from, StateTable to) {
    to.putIfNewer(e, h);
    from.discard(e.key(), h, e);
  }
}
