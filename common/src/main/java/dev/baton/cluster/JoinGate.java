package dev.baton.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;

/**
 * When a joining node is ready to serve: once every member that was in its first view has told it
 * that it finished pushing its share (or has left). Members that join later do not hold it back.
 */
final class JoinGate {

  private final CountDownLatch ready = new CountDownLatch(1);
  private final Set<Address> awaiting = ConcurrentHashMap.newKeySet();
  private final Set<Address> done = ConcurrentHashMap.newKeySet();
  private volatile boolean known;

  /** A new view, {@code prev} null for this node's first. */
  void viewChanged(Membership prev, Membership next, Address self) {
    if (prev == null) {
      for (Address a : next.members()) {
        if (!a.equals(self)) {
          awaiting.add(a);
        }
      }
      known = true;
    }
    awaiting.removeIf(a -> !next.contains(a) || done.contains(a));
    check();
  }

  /** {@code from} finished pushing to this node. */
  void doneFrom(Address from) {
    done.add(from);
    awaiting.remove(from);
    check();
  }

  boolean await(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    if (known && awaiting.isEmpty()) {
      ready.countDown();
    }
  }
}
