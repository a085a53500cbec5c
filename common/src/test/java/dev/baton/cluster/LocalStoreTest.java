package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.hash.BuzHash;
import dev.baton.state.EntryCopy;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The placement rule, with views installed by hand: an entry lives in the table the current view
 * puts it in, and in that one only, also when a write was placed by a view that was replaced
 * meanwhile and when the view's own pass over the tables has not run yet.
 */
class LocalStoreTest {

  private static final BuzHash HASH = BuzHash.withSeed("placement");
  private final Address self = member("self");
  private final Address other = member("other");
  private final ClusterView view = new ClusterView(Topology.PARTITIONED, 1, HASH);
  private LocalStore store;
  private byte[] key;
  /** A view in which this node owns {@link #key}, and one in which it does not. */
  private Membership owning;
  private Membership notOwning;

  private static Address member(String name) {
    return ExtendedUUID.randomUUID(name).put(Membership.NAME, name.getBytes(StandardCharsets.UTF_8))
        .put(Membership.ROLE, new byte[] {'E'});
  }

  @BeforeEach
  void setUp() {
    ClusterSettings s = ClusterSettings.from(Map.of("encryption", "none", "nodeName", "self"));
    store = new LocalStore(s, HASH, new HybridClock(), 1, view);
    Membership both = view.install(View.create(self, 1, self, other), self);
    // With one owner per key, "self" owns about half the keys of a view of both; alone, all of them.
    for (int i = 0; key == null; i++) {
      byte[] k = ("k" + i).getBytes(StandardCharsets.UTF_8);
      if (!both.owns(self, HASH.hash(k))) {
        key = k;
      }
    }
    notOwning = both;
    owning = view.install(View.create(self, 2, self), self);
  }

  private long h() {
    return HASH.hash(key);
  }

  /** Where the key is: "owned" or "near" and the version held there, for each table that holds it. */
  private List<String> where() {
    List<String> out = new java.util.ArrayList<>();
    StateEntry o = store.owned().getAnyEntry(key);
    StateEntry n = store.near().getAnyEntry(key);
    if (o != null) {
      out.add("owned " + o.version());
    }
    if (n != null) {
      out.add("near " + n.version());
    }
    return out;
  }

  @Test
  void aWriteByTheCurrentViewTakesOverWhatTheOtherTableHolds() {
    StateEntry first = store.put(owning, key, h(), "v1".getBytes(), 0);
    assertThat(where()).containsExactly("owned " + first.version());
    view.install(View.create(self, 3, self, other), self); // not yet passed over by its rebalance
    StateEntry second = store.put(view.current(), key, h(), "v2".getBytes(), 0);
    assertThat(where()).as("near only, with the newer write").containsExactly("near " + second.version());
    assertThat(second.createdMillis()).as("the entry's creation time carried over").isEqualTo(first.createdMillis());
  }

  @Test
  void aWritePlacedByAReplacedViewMovesToTheCurrentOnesTable() {
    view.install(View.create(self, 3, self, other), self); // installed while the write was on its way
    StateEntry written = store.put(owning, key, h(), "v".getBytes(), 0);
    assertThat(where()).containsExactly("near " + written.version());
  }

  @Test
  void aCopyAppliedByAReplacedViewMovesToTheCurrentOnesTable() {
    view.install(View.create(self, 3, self, other), self);
    EntryCopy copy = new EntryCopy(key, "v".getBytes(), new HybridClock().next(), 7, 1, 1, 0);
    assertThat(store.keep(owning, copy, h())).isTrue();
    assertThat(where()).containsExactly("near " + copy.version());
  }

  @Test
  void theViewsPassMovesEntriesAndAnOlderCopyNeverReplacesANewerOne() {
    Membership both = view.install(View.create(self, 3, self, other), self);
    StateEntry written = store.put(both, key, h(), "v".getBytes(), 0);
    assertThat(where()).containsExactly("near " + written.version());
    Membership alone = view.install(View.create(self, 4, self), self);
    assertThat(where()).as("until the new view's pass").containsExactly("near " + written.version());
    store.forEachPlacing(alone, (e, hash) -> { });
    assertThat(where()).as("owned by the current view").containsExactly("owned " + written.version());
    EntryCopy older = new EntryCopy(key, "old".getBytes(), written.version() - 1, 7, 1, 1, 0);
    assertThat(store.keep(notOwning, older, h())).isFalse();
    assertThat(store.get(key).value()).isEqualTo("v".getBytes());
  }
}
