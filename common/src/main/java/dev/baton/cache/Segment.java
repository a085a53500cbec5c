package dev.baton.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One stripe of the table: an array of immutable bucket chains. Readers take no lock: they read the
 * bucket head with acquire semantics and walk final links. Writers hold the segment's lock, copy the
 * part of a chain in front of the node they change and publish the new head with release
 * semantics. Growing the array happens under this segment's lock only, so the rest of the table
 * keeps serving.
 *
 * <p>A touch that races with a write to a neighbour in the same chain may be lost (the neighbour's
 * copy carries the last access read before the touch); the next touch repairs it.
 */
final class Segment extends ReentrantLock {

  private static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(Node[].class);
  private static final VarHandle COUNT;
  private static final VarHandle BYTES;
  private static final float LOAD_FACTOR = 0.75f;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Segment.class, "count", int.class);
      BYTES = MethodHandles.lookup().findVarHandle(Segment.class, "bytes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Node[] table;
  /** Read without the lock; written under it with release stores (no fence on every write). */
  private volatile int count;
  private volatile long bytes;
  private int threshold;
  private int clockHand;

  Segment(int initialCapacity) {
    int cap = Math.max(2, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1);
    table = new Node[cap];
    threshold = (int) (cap * LOAD_FACTOR);
  }

  int count() {
    return count;
  }

  long bytes() {
    return bytes;
  }

  /** Lock-free lookup. */
  Node find(long hash, byte[] key) {
    Node[] tab = table;
    Node n = (Node) BUCKET.getAcquire(tab, (int) hash & (tab.length - 1));
    for (; n != null; n = n.next) {
      if (n.hash == hash && Arrays.equals(n.key, key)) {
        return n;
      }
    }
    return null;
  }

  /**
   * Writes a new node for {@code key}, in place of {@code old} (the node {@link #find} returned
   * under the lock) or, when {@code old} is null, as a new entry. Caller holds the lock.
   */
  Node write(Node old, long hash, byte[] key, byte[] value, long version, int origin,
      long created, long lastAccess, long maxIdle) {
    Node[] tab = table;
    int idx = (int) hash & (tab.length - 1);
    Node head = (Node) BUCKET.getAcquire(tab, idx);
    // The node's own copy of the key, allocated just before the node so that the two sit side by
    // side: a lookup that reaches the node then finds the key in the next cache line instead of
    // missing the cache a second time. Under churn the table's nodes are rarely still in the cache,
    // so this is most of a lookup's cost (README, replication benchmark).
    byte[] ownKey = key.clone();
    Node fresh;
    if (old == null) {
      fresh = new Node(hash, ownKey, value, version, origin, created, lastAccess, maxIdle, head);
      BUCKET.setRelease(tab, idx, fresh);
      COUNT.setRelease(this, count + 1);
      BYTES.setRelease(this, bytes + fresh.weight());
      if (count > threshold) {
        grow();
      }
    } else {
      fresh = new Node(hash, ownKey, value, version, origin, created, lastAccess, maxIdle, old.next);
      BUCKET.setRelease(tab, idx, rebuild(head, old, fresh));
      BYTES.setRelease(this, bytes + fresh.weight() - old.weight());
    }
    return fresh;
  }

  /** Drops {@code old} from its chain. Caller holds the lock. */
  void unlink(Node old) {
    Node[] tab = table;
    int idx = (int) old.hash & (tab.length - 1);
    Node head = (Node) BUCKET.getAcquire(tab, idx);
    BUCKET.setRelease(tab, idx, rebuild(head, old, old.next));
    COUNT.setRelease(this, count - 1);
    BYTES.setRelease(this, bytes - old.weight());
  }

  /**
   * The chain from {@code head} with {@code old} and everything behind it swapped for {@code rest}:
   * only the nodes in front of {@code old} are copied. The recursion depth is the position in the
   * chain, which stays tiny at load factor 0.75.
   */
  private static Node rebuild(Node head, Node old, Node rest) {
    return head == old ? rest : head.relink(rebuild(head.next, old, rest));
  }

  /** Doubles the array. Reuses the longest trailing run of each chain that stays together. */
  private void grow() {
    Node[] old = table;
    int newCap = old.length << 1;
    if (newCap <= 0) {
      threshold = Integer.MAX_VALUE;
      return;
    }
    Node[] fresh = new Node[newCap];
    int mask = newCap - 1;
    for (Node head : old) {
      if (head == null) {
        continue;
      }
      Node lastRun = head;
      int lastIdx = (int) head.hash & mask;
      for (Node p = head.next; p != null; p = p.next) {
        int i = (int) p.hash & mask;
        if (i != lastIdx) {
          lastIdx = i;
          lastRun = p;
        }
      }
      fresh[lastIdx] = lastRun;
      for (Node p = head; p != lastRun; p = p.next) {
        int i = (int) p.hash & mask;
        fresh[i] = p.relink(fresh[i]);
      }
    }
    threshold = (int) (newCap * LOAD_FACTOR);
    table = fresh; // the volatile write publishes the whole array
  }

  /**
   * CLOCK eviction: clears reference bits until it meets an unreferenced node other than
   * {@code keep}, unlinks it and returns it; null if {@code keep} is all there is. Caller holds the
   * lock.
   */
  Node evictOne(Node keep) {
    Node[] tab = table;
    int len = tab.length;
    // Two full turns: the first clears every bit, so the second is sure to find a victim.
    for (int step = 0; step <= 2 * len; step++) {
      int idx = clockHand;
      for (Node n = tab[idx]; n != null; n = n.next) {
        if (n.referenced) {
          n.referenced = false;
        } else if (n.hash != keep.hash || !Arrays.equals(n.key, keep.key)) {
          unlink(n);
          return n;
        }
      }
      clockHand = (idx + 1) & (len - 1);
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
    Node[] tab = table;
    for (Node head : tab) {
      // The part of a chain behind a rewritten node is never copied, so the walk can go on along
      // the original links.
      for (Node n = head; n != null; n = n.next) {
        Node r = rewrite.apply(n);
        if (r == n) {
          continue;
        }
        changed.add(n);
        if (r == null) {
          unlink(n);
        } else {
          write(n, n.hash, n.key, r.value, r.version, r.origin, r.created, r.lastAccess, r.maxIdle);
        }
      }
    }
  }

  /** Weakly consistent walk without a lock: sees each node present for the whole walk. */
  void forEach(Consumer<? super Node> action) {
    for (Node head : table) {
      for (Node n = head; n != null; n = n.next) {
        action.accept(n);
      }
    }
  }
}
