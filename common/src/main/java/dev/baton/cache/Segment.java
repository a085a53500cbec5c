package dev.baton.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One stripe of the table: an open-addressing array of slots (linear probing). A slot keeps the
 * key placed in it for the life of its arrays; what changes is the slot's {@link Node}, an immutable
 * snapshot of the entry's latest write, and the slot's metadata kept in primitive arrays beside it
 * (key hash, version, origin, heap weight).
 *
 * <p>Why this layout: under churn the nodes, allocated among the values they point to, are spread
 * over the heap and are rarely still in the CPU cache. A writer here finds the slot and decides
 * whether a copy is newer from the dense arrays and the key alone (placed once, so it stays put),
 * without reading the node it replaces.
 *
 * <p>Readers take no lock: they read the slot arrays published together ({@link Slots}), a slot's
 * key with acquire semantics and its node with acquire semantics. Writers hold the segment's lock
 * and publish a node with a release store. A removed entry leaves its key in its slot, with no
 * node, so a probe passes it; such slots are dropped when the arrays are rebuilt, under this
 * segment's lock only, so the rest of the table keeps serving.
 */
final class Segment extends ReentrantLock {

  private static final VarHandle KEY = MethodHandles.arrayElementVarHandle(byte[][].class);
  private static final VarHandle NODE = MethodHandles.arrayElementVarHandle(Node[].class);
  private static final VarHandle COUNT;
  private static final VarHandle BYTES;
  /** Meta words per slot: key hash, version, origin and weight. */
  private static final int META = 3;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Segment.class, "count", int.class);
      BYTES = MethodHandles.lookup().findVarHandle(Segment.class, "bytes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One generation of the slot arrays; replaced whole when rebuilt. */
  private static final class Slots {
    /** Per slot: key hash, version, then origin (high half) and weight (low half). */
    final long[] meta;
    /** The slot's key; null for a slot never used, which ends a probe. */
    final byte[][] keys;
    /** The slot's entry; null when the key was removed. */
    final Node[] nodes;

    Slots(int capacity) {
      meta = new long[capacity * META];
      keys = new byte[capacity][];
      nodes = new Node[capacity];
    }

    int mask() {
      return nodes.length - 1;
    }
  }

  private volatile Slots slots;
  /** Read without the lock; written under it with release stores (no fence on every write). */
  private volatile int count;
  private volatile long bytes;
  /** Slots holding a key, with or without a node. */
  private int used;
  private int clockHand;

  Segment(int initialCapacity) {
    slots = new Slots(capacityFor(initialCapacity));
  }

  /** Room for {@code entries} at a load of at most one half, a power of two of at least 4. */
  private static int capacityFor(int entries) {
    int cap = Integer.highestOneBit(Math.max(2, entries * 2 - 1)) << 1;
    if (cap <= 0 || cap > 1 << 29) {
      throw new IllegalStateException("segment cannot hold " + entries + " entries");
    }
    return cap;
  }

  int count() {
    return count;
  }

  long bytes() {
    return bytes;
  }

  /** Lock-free lookup. */
  Node find(long hash, byte[] key) {
    Slots s = slots;
    int i = probe(s, hash, key);
    return i < 0 ? null : (Node) NODE.getAcquire(s.nodes, i);
  }

  /**
   * The slot of {@code key}: its index if the key has one (with or without a node), else the
   * bitwise complement of the free slot it would take. Caller holds the lock; the index is valid
   * until the next write that adds a key.
   */
  int locate(long hash, byte[] key) {
    return probe(slots, hash, key);
  }

  /**
   * The slot of {@code key} in {@code s}, as {@link #locate} says. Keys are read with acquire
   * semantics, so a reader without the lock sees a key's bytes once it sees the key.
   */
  private static int probe(Slots s, long hash, byte[] key) {
    int mask = s.mask();
    for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
      byte[] k = (byte[]) KEY.getAcquire(s.keys, i);
      if (k == null) {
        return ~i;
      }
      if (s.meta[i * META] == hash && Arrays.equals(k, key)) {
        return i;
      }
    }
  }

  /** The node of a slot {@link #locate} returned, or null if there is none. Caller holds the lock. */
  Node nodeAt(int slot) {
    return slot < 0 ? null : slots.nodes[slot];
  }

  /**
   * Writes a new node for {@code key} into {@code slot} (from {@link #locate}, under the same lock
   * hold). Caller holds the lock.
   */
  Node write(int slot, long hash, byte[] key, byte[] value, long version, int origin,
      long created, long lastAccess, long maxIdle) {
    boolean fresh = slot < 0;
    if (fresh && used + 1 > slots.nodes.length / 4 * 3) {
      // Rebuilt before the key goes in, never after: every generation of the arrays, even one a
      // reader still holds, keeps a free slot, which is what ends a probe for an absent key.
      rebuild();
      slot = locate(hash, key);
    }
    Slots s = slots;
    int i = fresh ? ~slot : slot;
    // A new key gets a copy of its own, allocated once, that stays in its slot for good.
    byte[] ownKey = fresh ? key.clone() : s.keys[i];
    Node node = new Node(hash, ownKey, value, version, origin, created, lastAccess, maxIdle);
    int weight = (int) Math.min(Integer.MAX_VALUE, node.weight());
    int base = i * META;
    boolean wasPresent = !fresh && s.nodes[i] != null;
    long oldWeight = wasPresent ? (int) s.meta[base + 2] : 0;
    s.meta[base] = hash;
    s.meta[base + 1] = version;
    s.meta[base + 2] = ((long) origin << 32) | weight;
    if (fresh) {
      KEY.setRelease(s.keys, i, ownKey);
      used++;
    }
    NODE.setRelease(s.nodes, i, node);
    if (!wasPresent) {
      COUNT.setRelease(this, count + 1);
    }
    BYTES.setRelease(this, bytes + weight - oldWeight);
    return node;
  }

  /** Removes the node of {@code slot}; its key stays until the next rebuild. Caller holds the lock. */
  void unlink(int slot) {
    Slots s = slots;
    if (s.nodes[slot] == null) {
      return;
    }
    long weight = (int) s.meta[slot * META + 2];
    NODE.setRelease(s.nodes, slot, null);
    COUNT.setRelease(this, count - 1);
    BYTES.setRelease(this, bytes - weight);
  }

  /**
   * New arrays holding only the slots that have a node: twice as large when at least half the slots
   * hold entries, else the same size (then only the keys of removed entries go). Either way at most
   * half the new slots are used.
   */
  private void rebuild() {
    Slots old = slots;
    int capacity = old.nodes.length;
    Slots fresh = new Slots(count * 2 >= capacity ? capacity * 2 : capacity);
    int mask = fresh.mask();
    int kept = 0;
    for (int j = 0; j < capacity; j++) {
      if (old.nodes[j] == null) {
        continue;
      }
      int i = (int) old.meta[j * META] & mask;
      while (fresh.keys[i] != null) {
        i = (i + 1) & mask;
      }
      System.arraycopy(old.meta, j * META, fresh.meta, i * META, META);
      fresh.keys[i] = old.keys[j];
      fresh.nodes[i] = old.nodes[j];
      kept++;
    }
    used = kept;
    clockHand = 0;
    slots = fresh; // the volatile write publishes the whole generation
  }

  /**
   * CLOCK eviction: clears reference bits until it meets an unreferenced node other than
   * {@code keep}, unlinks it and returns it; null if {@code keep} is all there is. Caller holds the
   * lock.
   */
  Node evictOne(Node keep) {
    Slots s = slots;
    int len = s.nodes.length;
    // Two full turns: the first clears every bit, so the second is sure to find a victim.
    for (int step = 0; step <= 2 * len; step++) {
      int i = clockHand;
      clockHand = (i + 1) & (len - 1);
      Node n = s.nodes[i];
      if (n == null || n == keep) {
        continue;
      }
      if (n.referenced) {
        n.referenced = false;
      } else {
        unlink(i);
        return n;
      }
    }
    return null;
  }

  /**
   * Replaces or drops every node for which {@code rewrite} says so. Caller holds the lock.
   *
   * @param rewrite returns the node itself to keep it, a detached node (same key) to put in its
   *     place, or null to drop it
   * @param changed receives each original node that was replaced or dropped
   */
  void rewriteAll(UnaryOperator<Node> rewrite, List<Node> changed) {
    Slots s = slots;
    for (int i = 0; i < s.nodes.length; i++) {
      Node n = s.nodes[i];
      if (n == null) {
        continue;
      }
      Node r = rewrite.apply(n);
      if (r == n) {
        continue;
      }
      changed.add(n);
      if (r == null) {
        unlink(i);
      } else {
        // Same key, so no key is added and the arrays are not rebuilt under this loop.
        write(i, n.hash, n.key, r.value, r.version, r.origin, r.created, r.lastAccess, r.maxIdle);
      }
    }
  }

  /** Weakly consistent walk without a lock: sees each node present for the whole walk. */
  void forEach(Consumer<? super Node> action) {
    Node[] nodes = slots.nodes;
    for (int i = 0; i < nodes.length; i++) {
      Node n = (Node) NODE.getAcquire(nodes, i);
      if (n != null) {
        action.accept(n);
      }
    }
  }
}
