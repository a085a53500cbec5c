package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.hash.BuzHash;
import dev.baton.state.EntryCopy;
import dev.baton.state.HybridClock;
import dev.baton.state.StateEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class StateTableTest {

  private static final BuzHash HASH = BuzHash.withSeed("test");
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final List<String> removals = new ArrayList<>();

  private StateTableBuilder table() {
    return StateTable.builder(HASH).clock(now::get).nodeId(1).tombstoneTtl(Duration.ofMinutes(1))
        .removalListener((e, cause) -> removals.add(str(e.key()) + ":" + cause));
  }

  /** Part {@code index} of {@code parts} equal, contiguous ranges of the hash space. */
  private static HashRange part(int parts, int index) {
    java.util.function.IntFunction<Long> boundary = i -> java.math.BigInteger.valueOf(i).shiftLeft(64)
        .divide(java.math.BigInteger.valueOf(parts)).longValue();
    return new HashRange(boundary.apply(index), index == parts - 1 ? -1L : boundary.apply(index + 1) - 1);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** A copy as another node would send it. */
  private static StateEntry copy(String key, String value, long version, int origin) {
    return new EntryCopy(b(key), value == null ? null : b(value), version, origin, 1, 1, 0);
  }

  @Test
  void putGetOverwriteAndVersionsIncrease() {
    StateTable t = table().build();
    assertThat(t.get(b("k"))).isNull();
    StateEntry first = t.put(b("k"), b("v1"), 0);
    StateEntry second = t.put(b("k"), b("v2"), 0);
    assertThat(str(t.get(b("k")))).isEqualTo("v2");
    assertThat(second.version()).isGreaterThan(first.version());
    assertThat(second.origin()).isEqualTo(1);
    assertThat(second.createdMillis()).isEqualTo(first.createdMillis());
    assertThat(t.size()).isEqualTo(1);
  }

  @Test
  void lookupUsesKeyContentNotIdentity() {
    StateTable t = table().build();
    t.put(b("session-1"), b("x"), 0);
    assertThat(str(t.get("session-1".getBytes(StandardCharsets.UTF_8)))).isEqualTo("x");
  }

  @Test
  void writesGivenTheKeyHashMeetWritesThatHashTheKeyThemselves() {
    // Two tables built on one hash, as a node's owned and near tables: one hash serves both.
    StateTable t = table().build();
    StateTable other = table().build();
    byte[] key = b("session-7");
    long h = other.hashOf(key);
    t.put(key, h, b("v1"), 0);
    assertThat(str(t.get(b("session-7")))).isEqualTo("v1");
    t.compute(key, h, 0, current -> b(str(current) + "+"));
    assertThat(str(t.get(b("session-7")))).isEqualTo("v1+");
    assertThat(t.putIfNewer(copy("session-7", "v1", 1, 2), h)).as("older than what is held").isFalse();
    StateEntry newer = copy("session-7", "remote", Long.MAX_VALUE / 2, 2);
    assertThat(t.putIfNewer(newer, h)).isTrue();
    assertThat(str(t.get(b("session-7")))).isEqualTo("remote");
    assertThat(t.discard(key, h, null)).isTrue();
    assertThat(t.getAnyEntry(b("session-7"))).isNull();
    t.put(b("session-7"), b("v2"), 0);
    assertThat(t.remove(key, h).isTombstone()).isTrue();
    assertThat(t.get(key)).isNull();
    assertThat(t.size()).isEqualTo(1);
  }

  @Test
  void removeLeavesTombstoneThatBlocksOlderCopies() {
    StateTable t = table().build();
    StateEntry written = t.put(b("k"), b("v"), 0);
    StateEntry tomb = t.remove(b("k"));
    assertThat(tomb.isTombstone()).isTrue();
    assertThat(t.get(b("k"))).isNull();
    assertThat(t.getEntry(b("k"))).isNull();
    assertThat(t.getAnyEntry(b("k")).isTombstone()).isTrue();
    // The original write arriving late (a replay) must not resurrect the session.
    assertThat(t.putIfNewer(copy("k", "v", written.version(), written.origin()))).isFalse();
    assertThat(t.get(b("k"))).isNull();
  }

  @Test
  void removeOfUnknownKeyStillBlocksAnInFlightCopy() {
    StateTable t = table().build();
    // Written on another node a second before the delete, but not yet delivered here.
    long remoteVersion = new HybridClock(() -> now.get() - 1000).next();
    t.remove(b("k"));
    assertThat(t.putIfNewer(copy("k", "late", remoteVersion, 2))).isFalse();
  }

  @Test
  void putIfNewerAppliesOnlyNewerAndBreaksTiesByOrigin() {
    StateTable t = table().build();
    assertThat(t.putIfNewer(copy("k", "a", 100, 2))).isTrue();
    assertThat(t.putIfNewer(copy("k", "older", 99, 9))).isFalse();
    assertThat(t.putIfNewer(copy("k", "same", 100, 2))).isFalse();
    assertThat(t.putIfNewer(copy("k", "tie-lower-origin", 100, 1))).isFalse();
    assertThat(t.putIfNewer(copy("k", "tie-higher-origin", 100, 3))).isTrue();
    assertThat(str(t.get(b("k")))).isEqualTo("tie-higher-origin");
    assertThat(t.putIfNewer(copy("k", null, 101, 1))).as("a newer delete").isTrue();
    assertThat(t.get(b("k"))).isNull();
  }

  @Test
  void localWriteAfterObservingRemoteVersionOrdersAfterIt() {
    StateTable t = table().build();
    long farFuture = (now.get() + 60_000) << 16;
    t.putIfNewer(copy("k", "remote", farFuture, 2));
    StateEntry local = t.put(b("k"), b("local"), 0);
    assertThat(local.version()).isGreaterThan(farFuture);
    assertThat(str(t.get(b("k")))).isEqualTo("local");
  }

  @Test
  void expiredEntriesAreInvisibleAtOnceAndSweptToTombstones() {
    StateTable t = table().build();
    StateEntry e = t.put(b("k"), b("v"), 1000);
    t.put(b("forever"), b("v"), 0);
    now.addAndGet(1000);
    assertThat(t.get(b("k"))).as("idle exactly max idle: still live").isNotNull();
    now.addAndGet(1);
    assertThat(t.get(b("k"))).isNull();
    assertThat(t.touch(b("k"))).as("cannot touch an expired entry").isFalse();
    assertThat(t.sweep()).isEqualTo(1);
    assertThat(removals).containsExactly("k:EXPIRED");
    StateEntry tomb = t.getAnyEntry(b("k"));
    assertThat(tomb.isTombstone()).isTrue();
    assertThat(t.putIfNewer(copy("k", "v", e.version(), e.origin()))).as("replay after expiry").isFalse();
    assertThat(str(t.get(b("forever")))).isEqualTo("v");
  }

  @Test
  void touchKeepsAnEntryAlive() {
    StateTable t = table().build();
    t.put(b("k"), b("v"), 1000);
    for (int i = 0; i < 5; i++) {
      now.addAndGet(800);
      assertThat(t.touch(b("k"))).isTrue();
    }
    assertThat(t.get(b("k"))).isNotNull();
    assertThat(t.touch(b("k"), now.get() - 5000)).as("touch never moves back").isTrue();
    now.addAndGet(900);
    assertThat(t.get(b("k"))).isNotNull();
  }

  @Test
  void aDeleteIsRememberedAsLongAsTheDeletedEntryCouldHaveLivedPlusTheTimeToLive() {
    StateTable t = table().build();
    t.put(b("k"), b("v"), 30_000);
    t.remove(b("k"));
    now.addAndGet(89_000);
    assertThat(t.sweep()).isZero();
    assertThat(t.size()).isEqualTo(1);
    now.addAndGet(2_000);
    assertThat(t.sweep()).isEqualTo(1);
    assertThat(t.size()).isZero();
    assertThat(t.getAnyEntry(b("k"))).isNull();
    assertThat(removals).as("deletes by the application are not reported as removals").isEmpty();
  }

  @Test
  void theDeleteOfAnEntryWithoutTimeoutIsRememberedForTheNoTimeoutSetting() {
    StateTable t = table().tombstoneTtlNoTimeout(Duration.ofHours(2)).build();
    t.put(b("k"), b("v"), 0);
    t.remove(b("k"));
    now.addAndGet(Duration.ofHours(2).toMillis() + 59_000);
    assertThat(t.sweep()).isZero();
    now.addAndGet(2_000);
    assertThat(t.sweep()).isEqualTo(1);
  }

  @Test
  void anExpiryIsRememberedForTheTimeToLiveAndRefusesNoLaterWriteOfTheEntry() {
    StateTable t = table().build();
    StateEntry e = t.put(b("k"), b("v"), 1_000);
    now.addAndGet(1_001);
    t.sweep();
    assertThat(t.getAnyEntry(b("k")).isTombstone()).isTrue();
    // Another node kept the session in use and wrote it: its copy is newer, and no delete refuses it.
    assertThat(t.putIfNewer(new EntryCopy(b("k"), b("w"), e.version() + 1, 2, e.createdMillis(), now.get(), 1_000)))
        .isTrue();
    StateTable u = table().build();
    u.put(b("k"), b("v"), 1_000);
    now.addAndGet(1_001);
    u.sweep();
    now.addAndGet(60_001);
    assertThat(u.sweep()).as("the expiry's tombstone is gone after the time-to-live").isEqualTo(1);
  }

  @Test
  void aDeleteWinsOverEveryWriteOfItsIncarnationInEitherOrder() {
    StateEntry write = new EntryCopy(b("k"), b("late"), 900L << 16, 2, 100, 100, 0);
    StateEntry delete = new EntryCopy(b("k"), null, 800L << 16, 3, 100, 100, 0);
    StateTable deletedFirst = table().build();
    assertThat(deletedFirst.putIfNewer(delete)).isTrue();
    assertThat(deletedFirst.putIfNewer(write)).as("a newer write of the deleted incarnation").isFalse();
    StateTable writtenFirst = table().build();
    assertThat(writtenFirst.putIfNewer(write)).isTrue();
    assertThat(writtenFirst.putIfNewer(delete)).as("an older delete of the same incarnation").isTrue();
    assertThat(deletedFirst.getAnyEntry(b("k")).isTombstone()).isTrue();
    assertThat(writtenFirst.getAnyEntry(b("k")).isTombstone()).isTrue();
    // A new incarnation, created after the delete, is a new entry.
    StateEntry reborn = new EntryCopy(b("k"), b("new"), 1000L << 16, 2, 200, 200, 0);
    assertThat(deletedFirst.putIfNewer(reborn)).isTrue();
  }

  @Test
  void copiesOfAMergingKindMergeIntoTheLiveValueOfTheirIncarnation() {
    StateTable t = table().build();
    StateEntry mine = t.put(b("k"), b("a"), 0);
    UnaryOperator<byte[]> concat = held -> held.length > 1 ? held : (new String(held) + "b").getBytes();
    StateEntry older = new EntryCopy(b("k"), b("b"), mine.version() - 1, 2, mine.createdMillis(), now.get(), 0);
    assertThat(t.putMerged(older, t.hashOf(b("k")), true, concat)).isEqualTo(StateTable.Merged.APPLIED);
    StateEntry held = t.getEntry(b("k"));
    assertThat(held.value()).as("merged though older").isEqualTo(b("ab"));
    assertThat(held.version()).as("the newer version stays").isEqualTo(mine.version());
    assertThat(t.putMerged(older, t.hashOf(b("k")), true, concat)).isEqualTo(StateTable.Merged.UNCHANGED);
    StateEntry change = new EntryCopy(b("x"), b("d"), mine.version() + 1, 2, 1, now.get(), 0);
    assertThat(t.putMerged(change, t.hashOf(b("x")), false, concat))
        .as("a change with nothing to merge into").isEqualTo(StateTable.Merged.NO_BASE);
    assertThat(t.getAnyEntry(b("x"))).isNull();
  }

  @Test
  void computeUpdatesAtomicallyAndCanDelete() {
    StateTable t = table().build();
    t.compute(b("counter"), 0, cur -> b(Integer.toString(cur == null ? 1 : Integer.parseInt(str(cur)) + 1)));
    t.compute(b("counter"), 0, cur -> b(Integer.toString(cur == null ? 1 : Integer.parseInt(str(cur)) + 1)));
    assertThat(str(t.get(b("counter")))).isEqualTo("2");
    StateEntry before = t.getEntry(b("counter"));
    assertThat(t.compute(b("counter"), 0, cur -> cur)).as("unchanged: same entry, no new version").isSameAs(before);
    assertThat(t.compute(b("counter"), 0, cur -> null).isTombstone()).isTrue();
    assertThat(t.get(b("counter"))).isNull();
    assertThat(t.compute(b("absent"), 0, cur -> null)).isNull();
  }

  @Test
  void growsFromATinyTableWithoutLosingEntries() {
    StateTable t = table().segments(2).initialCapacity(0).build();
    for (int i = 0; i < 50_000; i++) {
      t.put(b("key-" + i), b("value-" + i), 0);
    }
    for (int i = 0; i < 50_000; i++) {
      assertThat(str(t.get(b("key-" + i)))).isEqualTo("value-" + i);
    }
    assertThat(t.size()).isEqualTo(50_000);
  }

  @Test
  void singleSegmentTableWorks() {
    StateTable t = table().segments(1).build();
    for (int i = 0; i < 1000; i++) {
      t.put(b("k" + i), b("v"), 0);
    }
    Set<String> seen = new HashSet<>();
    t.forEach(HashRange.ALL, e -> seen.add(str(e.key())));
    assertThat(seen).hasSize(1000);
  }

  @Test
  void boundedTableEvictsColdEntriesAndKeepsRecentlyReadOnes() {
    // One segment so that the bound is exact for the test.
    long perEntry = Node.SHALLOW_BYTES + Node.arrayBytes(new byte[6]) + Node.arrayBytes(new byte[100]);
    StateTable t = table().segments(1).maxBytes(perEntry * 100).build();
    for (int i = 0; i < 100; i++) {
      t.put(b(String.format("k%05d", i)), new byte[100], 0);
    }
    assertThat(t.size()).isEqualTo(100);
    // This write takes the table over its bound: the hand clears every bit and evicts one entry.
    t.put(b("k-warm"), new byte[100], 0);
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < 100 && hot.size() < 50; i++) {
      String k = String.format("k%05d", i);
      if (t.get(b(k)) != null) {
        hot.add(k);
      }
    }
    for (int i = 100; i < 140; i++) {
      t.put(b(String.format("k%05d", i)), new byte[100], 0);
    }
    assertThat(t.bytes()).isLessThanOrEqualTo(perEntry * 100);
    int hotKept = 0;
    for (String k : hot) {
      hotKept += t.get(b(k)) != null ? 1 : 0;
    }
    assertThat(hotKept).as("recently read entries survive").isEqualTo(50);
    assertThat(removals).hasSizeGreaterThanOrEqualTo(41).allMatch(r -> r.endsWith(":EVICTED"));
    assertThat(t.get(b("k00139"))).as("the entry just written is never the victim").isNotNull();
  }

  @Test
  void entryLargerThanTheWholeBoundIsStillStored() {
    StateTable t = table().segments(1).maxBytes(100).build();
    t.put(b("big"), new byte[1000], 0);
    assertThat(t.get(b("big"))).hasSize(1000);
    t.put(b("big2"), new byte[1000], 0);
    assertThat(t.get(b("big"))).isNull();
    assertThat(t.get(b("big2"))).hasSize(1000);
  }

  @Test
  void forEachByHashRangeCoversExactlyTheRange() {
    StateTable t = table().build();
    for (int i = 0; i < 5000; i++) {
      t.put(b("k" + i), b("v"), 0);
    }
    t.remove(b("k0"));
    int parts = 7;
    Set<String> union = new HashSet<>();
    int total = 0;
    for (int p = 0; p < parts; p++) {
      HashRange r = part(parts, p);
      List<StateEntry> got = new ArrayList<>();
      t.forEach(r, got::add);
      for (StateEntry e : got) {
        assertThat(r.contains(HASH.hash(e.key()))).isTrue();
        union.add(str(e.key()));
      }
      total += got.size();
    }
    assertThat(total).as("parts do not overlap").isEqualTo(5000);
    assertThat(union).as("tombstones are included").contains("k0").hasSize(5000);

    List<StateEntry> wrapped = new ArrayList<>();
    HashRange wrap = new HashRange(part(4, 3).from(), part(4, 0).to());
    t.forEach(wrap, wrapped::add);
    assertThat(wrap.wraps()).isTrue();
    assertThat(wrapped).allMatch(e -> wrap.contains(HASH.hash(e.key())));
    assertThat(wrapped.size()).isBetween(2000, 3000);
  }

  @Test
  void byteEstimateTracksWritesAndDeletes() {
    StateTable t = table().build();
    t.put(b("k"), new byte[1000], 0);
    long one = t.bytes();
    assertThat(one).isEqualTo(Node.SHALLOW_BYTES + Node.arrayBytes(b("k")) + Node.arrayBytes(new byte[1000]));
    t.put(b("k"), new byte[10], 0);
    assertThat(t.bytes()).isLessThan(one);
    t.remove(b("k"));
    assertThat(t.bytes()).isEqualTo(Node.SHALLOW_BYTES + Node.arrayBytes(b("k")));
  }

  @Test
  void badSettingsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> StateTable.builder(HASH).segments(3)).hasMessageContaining("segments");
    assertThatThrownBy(() -> StateTable.builder(HASH).maxBytes(-1)).hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> StateTable.builder(HASH).tombstoneTtl(Duration.ofSeconds(-1)))
        .hasMessageContaining("tombstoneTtl");
  }

  @Test
  void toStringNeverShowsTheValue() {
    StateTable t = table().build();
    StateEntry e = t.put(b("k"), b("card=4111111111111111"), 0);
    assertThat(e.toString()).doesNotContain("4111");
  }

  @Test
  void discardDropsWithoutTombstoneAndOnlyTheExpectedWrite() {
    StateTable t = table().build();
    StateEntry first = t.put(b("k"), b("v1"), 0);
    t.put(b("k"), b("v2"), 0);
    assertThat(t.discard(b("k"), first)).as("a newer write is kept").isFalse();
    assertThat(t.discard(b("k"), null)).isTrue();
    assertThat(t.getAnyEntry(b("k"))).isNull();
    assertThat(t.putIfNewer(new EntryCopy(b("k"), b("old"), first.version(), 1, 1, now.get(), 0)))
        .as("no tombstone is left").isTrue();
  }

  /** Regression: a put of the very array already stored must still be a new write. */
  @Test
  void puttingTheSameArrayAgainMakesANewVersion() {
    StateTable t = table().build();
    byte[] value = b("v");
    StateEntry first = t.put(b("k"), value, 0);
    StateEntry second = t.put(b("k"), value, 0);
    assertThat(second.version()).isGreaterThan(first.version());
  }
}
