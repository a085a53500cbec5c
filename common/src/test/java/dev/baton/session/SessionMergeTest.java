package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.wire.CodecLimits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three nodes write one session at once, each from the replica it holds; every write travels as a
 * delta or as the whole record, and reaches every replica in a random order, some twice. Every
 * replica must end with the same record, equal to a reference model in which each part (an
 * attribute, its removal, the login, the timeout) holds the value of its newest write. Seeds are
 * fixed so a failure reproduces.
 */
class SessionMergeTest {

  private static final CodecLimits LIMITS = CodecLimits.DEFAULT;
  private static final SessionRecordCodec CODEC = new SessionRecordCodec(LIMITS);
  private static final String[] NAMES = {"billing", "payment", "cart", "flash", "locale"};

  /** One part's newest write in the model: its stamp and its value (null for removed / logged out). */
  private record Part(Stamp stamp, Object value) {}

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void replicasThatMergeTheSameWritesInAnyOrderHoldTheNewestOfEveryPart(int seed) throws Exception {
    Random rnd = new Random(seed);
    SessionRecord initial = new SessionRecord("S1", 1000, 1800);
    initial.stampChanges(null, new Stamp(1, 0));
    SessionRecord[] writers = {initial.copy(), initial.copy(), initial.copy()};
    long[] clocks = {1, 1, 1};
    List<byte[]> messages = new ArrayList<>();
    Map<String, Part> model = new HashMap<>();
    for (int step = 0; step < 60; step++) {
      int n = rnd.nextInt(3);
      // A writer sometimes first takes in what it was sent so far, as a node does between requests.
      if (rnd.nextInt(3) == 0 && !messages.isEmpty()) {
        byte[] seen = messages.get(rnd.nextInt(messages.size()));
        writers[n] = merge(writers[n], seen);
        clocks[n] = Math.max(clocks[n], newestStamp(writers[n]));
      }
      SessionRecord before = writers[n];
      SessionRecord after = before.copy();
      String name = NAMES[rnd.nextInt(NAMES.length)];
      Object value;
      switch (rnd.nextInt(4)) {
        case 0 -> {
          after.removeAttribute(name);
          value = null;
        }
        case 1 -> {
          boolean login = rnd.nextBoolean();
          after.auth(login ? new LoginRecord("user" + step, "FORM", List.of("customer")) : null);
          name = "(auth)";
          value = after.auth();
        }
        default -> {
          byte[] bytes = ("v" + step + "@" + n).getBytes();
          after.attribute(name, bytes);
          value = new String(bytes);
        }
      }
      Stamp stamp = new Stamp(++clocks[n], n + 1);
      after.stampChanges(before, stamp);
      boolean changed = !name.equals("(auth)") ? !(value == null && before.attribute(name) == null)
          : !Objects.equals(before.auth(), after.auth());
      if (changed) {
        model.merge(name, new Part(stamp, value), (old, now) -> now.stamp().isNewerThan(old.stamp()) ? now : old);
      }
      messages.add(rnd.nextBoolean() ? SessionDelta.between(before, after).encode() : CODEC.encode(after));
      writers[n] = after;
    }
    List<SessionRecord> replicas = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      List<byte[]> deliveries = new ArrayList<>(messages);
      deliveries.addAll(messages.subList(0, messages.size() / 4)); // duplicates
      Collections.shuffle(deliveries, new Random(seed * 31L + r));
      SessionRecord replica = initial.copy();
      for (byte[] m : deliveries) {
        replica = merge(replica, m);
      }
      replicas.add(replica);
    }
    for (SessionRecord replica : replicas) {
      assertThat(contents(replica)).as("seed %d: replicas converge", seed).isEqualTo(contents(replicas.get(0)));
      for (Map.Entry<String, Part> p : model.entrySet()) {
        if (p.getKey().equals("(auth)")) {
          assertThat(replica.auth()).as("seed %d: the newest login", seed).isEqualTo(p.getValue().value());
        } else {
          byte[] held = replica.attribute(p.getKey());
          assertThat(held == null ? null : new String(held)).as("seed %d: attribute %s", seed, p.getKey())
              .isEqualTo(p.getValue().value());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void aMergeIsIdempotentAndReturnsTheHeldRecordWhenNothingIsNew(int seed) throws Exception {
    SessionRecord a = new SessionRecord("S1", 1000, 1800);
    a.attribute("cart", new byte[] {(byte) seed});
    a.stampChanges(null, new Stamp(10, 1));
    byte[] held = CODEC.encode(a);
    assertThat(SessionMerge.merge(held, held, LIMITS)).isSameAs(held);
    SessionRecord older = a.copy();
    older.attribute("cart", new byte[] {9});
    older.stampChanges(a, new Stamp(5, 2)); // an older write of the same attribute
    assertThat(SessionMerge.merge(held, CODEC.encode(older), LIMITS)).isSameAs(held);
  }

  private static SessionRecord merge(SessionRecord held, byte[] message) throws Exception {
    byte[] heldBytes = CODEC.encode(held);
    byte[] merged = SessionMerge.merge(heldBytes, message, LIMITS);
    return merged == heldBytes ? held : CODEC.decode(merged);
  }

  /** Everything a record holds, in a form that does not depend on the order attributes were added. */
  private static String contents(SessionRecord r) {
    TreeMap<String, String> parts = new TreeMap<>();
    r.attributes().forEach((name, bytes) -> parts.put(name, new String(bytes) + " " + r.stampOf(name)));
    r.removals().forEach((name, stamp) -> parts.put(name, "removed " + stamp));
    return parts + " auth=" + r.auth() + " " + r.authStamp() + " tls=" + r.tls() + " " + r.tlsStamp()
        + " timeout=" + r.maxInactiveSeconds() + " " + r.timeoutStamp() + " lastNode=" + r.lastNode()
        + " " + r.bookStamp() + " accessed=" + r.accessedMillis() + "/" + r.lastAccessedMillis();
  }

  private static long newestStamp(SessionRecord r) {
    long max = Math.max(r.authStamp().version(), r.bookStamp().version());
    for (String name : r.attributeNames()) {
      max = Math.max(max, r.stampOf(name).version());
    }
    for (Stamp s : r.removals().values()) {
      max = Math.max(max, s.version());
    }
    return max;
  }
}
