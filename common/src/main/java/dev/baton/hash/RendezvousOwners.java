package dev.baton.hash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the owners of a key among members by rendezvous (highest-random-weight) hashing: each
 * member scores {@code mix(keyHash ^ memberHash)} and the {@code n} best scores own the key. When a
 * member joins it takes over only the keys it now scores best for (about {@code n/members} of
 * them); when one leaves, only its keys move. Every node computes the same owners from the same
 * member names.
 *
 * <p>Immutable and thread-safe; build one per membership view.
 *
 * @param <M> the member type
 */
public final class RendezvousOwners<M> {

  private final List<M> members;
  private final long[] memberHashes;

  /**
   * @param members the current members, in any order
   * @param names a stable name for each member, used for its hash (the node name)
   * @param hash the cluster's hash
   */
  public RendezvousOwners(List<M> members, List<String> names, BuzHash hash) {
    if (members.size() != names.size()) {
      throw new IllegalArgumentException("one name per member");
    }
    this.members = List.copyOf(members);
    this.memberHashes = new long[members.size()];
    for (int i = 0; i < memberHashes.length; i++) {
      memberHashes[i] = hash.hash(names.get(i).getBytes(StandardCharsets.UTF_8));
    }
  }

  public List<M> members() {
    return members;
  }

  /** The {@code n} owners of a key, best first; all members if there are no more than {@code n}. */
  public List<M> owners(long keyHash, int n) {
    int count = Math.min(n, members.size());
    if (count == 0) {
      return List.of();
    }
    int[] best = new int[count];
    long[] bestScore = new long[count];
    Arrays.fill(bestScore, Long.MIN_VALUE);
    Arrays.fill(best, -1);
    for (int i = 0; i < memberHashes.length; i++) {
      long score = BuzHash.mix(keyHash ^ memberHashes[i]);
      // Insertion into a tiny sorted array: n is 1 to 3 in practice.
      int pos = count;
      while (pos > 0 && (best[pos - 1] < 0 || Long.compareUnsigned(score, bestScore[pos - 1]) > 0)) {
        pos--;
      }
      if (pos < count) {
        System.arraycopy(best, pos, best, pos + 1, count - pos - 1);
        System.arraycopy(bestScore, pos, bestScore, pos + 1, count - pos - 1);
        best[pos] = i;
        bestScore[pos] = score;
      }
    }
    List<M> out = new ArrayList<>(count);
    for (int i : best) {
      out.add(members.get(i));
    }
    return out;
  }

  /**
   * True if {@code member} is among the {@code n} owners of the key: the same answer as
   * {@code owners(keyHash, n).contains(member)}, without building the list (asked for every write
   * and every copy received).
   */
  public boolean isOwner(long keyHash, M member, int n) {
    int me = members.indexOf(member);
    if (me < 0 || n <= 0) {
      return false;
    }
    if (n >= members.size()) {
      return true;
    }
    long mine = BuzHash.mix(keyHash ^ memberHashes[me]);
    int better = 0;
    for (int i = 0; i < memberHashes.length; i++) {
      if (i == me) {
        continue;
      }
      int c = Long.compareUnsigned(BuzHash.mix(keyHash ^ memberHashes[i]), mine);
      // A tie goes to the member listed first, as in owners().
      if ((c > 0 || (c == 0 && i < me)) && ++better >= n) {
        return false;
      }
    }
    return true;
  }
}
