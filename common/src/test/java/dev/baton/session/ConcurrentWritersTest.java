package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.TestClusters;
import dev.baton.state.StateEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One session written on two nodes at once, as a single-page application or two browser tabs
 * behind a round-robin balancer do: node 1 sets the billing address again and again while node 2
 * sets the payment, each from the copy it holds, in sync mode. Every acknowledged value must be on
 * the third node afterwards (before attributes merged, a delta that missed its base made the
 * receiver take the writer's whole record, and the other node's change was lost).
 */
class ConcurrentWritersTest {

  private static final int SESSIONS = 10;
  private static final int UPDATES = 25;

  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    TestClusters.closeAll(nodes);
  }

  @Test
  void parallelChangesOfDifferentAttributesOnTwoNodesAllSurviveOnTheThird() throws Exception {
    nodes.addAll(TestClusters.startAll(TestClusters.newCluster("replicated", "sync"), 3));
    AttributeSerializer serializer = new AttributeSerializer(
        AllowListFilter.defaultsPlus(List.of(), AllowListFilter.DEFAULT_MAX_BYTES));
    List<SessionStore> stores = new ArrayList<>();
    for (ClusterNode n : nodes) {
      stores.add(new SessionStore(n, null, "/shop", serializer));
    }
    for (int s = 0; s < SESSIONS; s++) {
      SessionRecord r = new SessionRecord("S" + s, System.currentTimeMillis(), 1800);
      r.attribute("billing", bytes("none"));
      r.attribute("payment", bytes("none"));
      stores.get(0).write(stores.get(0).key("S" + s), null, null, r, r.maxIdleMillis()).write().awaitReplicated();
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?> billing = pool.submit(() -> updates(stores.get(0), "billing", start));
      Future<?> payment = pool.submit(() -> updates(stores.get(1), "payment", start));
      start.countDown();
      billing.get(2, TimeUnit.MINUTES);
      payment.get(2, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    SessionStore third = stores.get(2);
    for (int s = 0; s < SESSIONS; s++) {
      SessionRecord r = third.decode(third.node().get(third.key("S" + s)));
      assertThat(string(r.attribute("billing"))).as("session %d's last acknowledged billing address", s)
          .isEqualTo("billing-" + (UPDATES - 1));
      assertThat(string(r.attribute("payment"))).as("session %d's last acknowledged payment", s)
          .isEqualTo("payment-" + (UPDATES - 1));
    }
  }

  /**
   * Each session's {@code name} set {@link #UPDATES} times on one node, every write acknowledged,
   * as an adapter does it: the node's in-memory session is what it last loaded or wrote (it does not
   * see the other node's changes until it loads again), and each write carries the whole session,
   * the other node's attribute included, as a request that read it would.
   */
  private static Void updates(SessionStore store, String name, CountDownLatch start) throws Exception {
    start.await();
    StateEntry[] bases = new StateEntry[SESSIONS];
    byte[][] made = new byte[SESSIONS][];
    SessionRecord[] inMemory = new SessionRecord[SESSIONS];
    for (int i = 0; i < UPDATES; i++) {
      for (int s = 0; s < SESSIONS; s++) {
        byte[] key = store.key("S" + s);
        if (bases[s] == null) {
          bases[s] = store.node().get(key);
          inMemory[s] = store.decode(bases[s]);
        }
        SessionRecord before = store.before(bases[s], made[s]);
        SessionRecord after = inMemory[s].copy();
        after.attribute(name, bytes(name + "-" + i));
        after.accessedMillis(System.currentTimeMillis());
        SessionStore.Written w = store.write(key, bases[s], before, after, after.maxIdleMillis());
        w.write().awaitReplicated();
        bases[s] = w.write().entry();
        made[s] = w.madeIfMerged();
        inMemory[s] = after;
      }
    }
    return null;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
