package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.hash.BuzHash;
import dev.baton.state.EntryCopy;
import dev.baton.state.StateEntry;
import dev.baton.state.Versions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of every operation, single-threaded, against a plain reference model of the
 * contract. Seeds are fixed so a failure reproduces; the seed and step are in the message.
 */
class StateTableModelTest {

  private static final long TOMBSTONE_TTL = 500;
  private static final long TOMBSTONE_TTL_NO_TIMEOUT = 300;

  /** What the contract says the table holds for a key. */
  private record Model(String value, long version, int origin, long created, long lastAccess, long maxIdle) {
    boolean liveAt(long now) {
      return value != null && (maxIdle <= 0 || now - lastAccess <= maxIdle);
    }

    /** A delete keeps the deleted entry's idle time and adds the time-to-live; an expiry only the time-to-live. */
    long tombstoneLifetime() {
      return created == StateEntry.NO_INCARNATION ? TOMBSTONE_TTL
          : (maxIdle > 0 ? maxIdle : TOMBSTONE_TTL_NO_TIMEOUT) + TOMBSTONE_TTL;
    }
  }

  /**
   * Whether a copy replaces what the model holds: by version, except that the delete of an
   * incarnation (same or earlier creation time) wins over its writes, and they never come back.
   */
  private static boolean replaces(String value, long created, long version, int origin, Model m) {
    if (m == null) {
      return true;
    }
    boolean copyDeletes = value == null;
    if (copyDeletes != (m.value == null)) {
      long deleteCreated = copyDeletes ? created : m.created;
      long writeCreated = copyDeletes ? m.created : created;
      if (deleteCreated != StateEntry.NO_INCARNATION && writeCreated <= deleteCreated) {
        return copyDeletes;
      }
    }
    return Versions.isNewer(version, origin, m.version, m.origin);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  void tableBehavesLikeTheModel(int seed) {
    Random rnd = new Random(seed);
    AtomicLong now = new AtomicLong(10_000);
    StateTable t = StateTable.builder(BuzHash.withSeed("model")).segments(1 << rnd.nextInt(4))
        .initialCapacity(rnd.nextInt(8)).clock(now::get).nodeId(5)
        .tombstoneTtl(Duration.ofMillis(TOMBSTONE_TTL))
        .tombstoneTtlNoTimeout(Duration.ofMillis(TOMBSTONE_TTL_NO_TIMEOUT)).build();
    Map<String, Model> model = new HashMap<>();
    for (int step = 0; step < 2000; step++) {
      String k = "k" + rnd.nextInt(40);
      String where = "seed " + seed + " step " + step + " key " + k;
      Model m = model.get(k);
      switch (rnd.nextInt(9)) {
        case 0, 1 -> {
          long idle = rnd.nextBoolean() ? 0 : 50 + rnd.nextInt(200);
          String v = "v" + step;
          StateEntry e = t.put(bytes(k), bytes(v), idle);
          long created = m != null && m.liveAt(now.get()) ? m.created : now.get();
          model.put(k, new Model(v, e.version(), 5, created, now.get(), idle));
        }
        case 2 -> {
          StateEntry e = t.remove(bytes(k));
          model.put(k, new Model(null, e.version(), 5, m != null ? m.created : now.get(), now.get(),
              m != null ? m.maxIdle : 0));
        }
        case 3 -> {
          // A copy from another node: an old version or a new one, a write or a delete, of an
          // older incarnation, the one held, or a newer one.
          long version = (now.get() + rnd.nextInt(200) - 100) << 16;
          int origin = rnd.nextInt(9);
          String v = rnd.nextInt(4) == 0 ? null : "r" + step;
          long idle = rnd.nextBoolean() ? 0 : 100;
          long created = switch (rnd.nextInt(3)) {
            case 0 -> 1;
            case 1 -> m != null && m.created != StateEntry.NO_INCARNATION ? m.created : 1;
            default -> now.get() + 1;
          };
          boolean applied = t.putIfNewer(new EntryCopy(bytes(k), v == null ? null : bytes(v),
              version, origin, created, now.get(), idle));
          boolean replaces = replaces(v, created, version, origin, m);
          assertThat(applied).as(where).isEqualTo(replaces);
          if (replaces) {
            model.put(k, new Model(v, version, origin, created, now.get(), idle));
          }
        }
        case 4 -> {
          boolean touched = t.touch(bytes(k));
          boolean live = m != null && m.liveAt(now.get());
          assertThat(touched).as(where).isEqualTo(live);
          if (live) {
            model.put(k, new Model(m.value, m.version, m.origin, m.created, now.get(), m.maxIdle));
          }
        }
        case 5 -> now.addAndGet(rnd.nextInt(120));
        case 6 -> {
          t.sweep();
          long at = now.get();
          model.replaceAll((key, e) -> e.value != null && !e.liveAt(at)
              ? new Model(null, e.version, e.origin, StateEntry.NO_INCARNATION, at, 0) : e);
          model.values().removeIf(e -> e.value == null && at - e.lastAccess > e.tombstoneLifetime());
          assertThat(t.size()).as(where).isEqualTo(model.size());
        }
        default -> {
          boolean live = m != null && m.liveAt(now.get());
          assertThat(string(t.get(bytes(k)))).as(where).isEqualTo(live ? m.value : null);
        }
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
