package dev.baton.tomcat;

import dev.baton.session.SessionValues;
import dev.baton.state.StateEntry;
import dev.baton.session.TlsIdentity;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.catalina.Manager;
import org.apache.catalina.session.StandardSession;

/**
 * A Tomcat session that knows what a request changed, and the cluster version it was loaded from,
 * so that {@link BatonManager} can replicate only the change.
 */
public class BatonSession extends StandardSession {

  private static final long serialVersionUID = 1L;
  private static final VarHandle DIRTY;
  private static final VarHandle ACCESSED;
  private static final VarHandle IN_USE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DIRTY = lookup.findVarHandle(BatonSession.class, "dirty", Set.class);
      ACCESSED = lookup.findVarHandle(BatonSession.class, "accessed", Set.class);
      IN_USE = lookup.findVarHandle(BatonSession.class, "inUse", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The entry this node last wrote or loaded, whose value is the session's record; null for a
   * session not yet replicated. The record itself is decoded again when a flush needs it rather than
   * kept: its attribute bytes would be a second copy of what the cache holds.
   */
  transient volatile StateEntry baseEntry;
  /**
   * The record this node last wrote from this session, encoded, when the entry written merged in
   * changes made elsewhere (see {@link dev.baton.session.SessionStore.Written}); null when the
   * in-memory session matches {@link #baseEntry}'s record. The next flush is made from it.
   */
  transient volatile byte[] madeIfMerged;
  /** Of that record, what is read between flushes: the node that wrote it, the bound TLS identity. */
  transient volatile String baseLastNode;
  transient volatile TlsIdentity boundTls;
  /**
   * Attributes set or removed since the last flush took them, and mutable attributes read since
   * then; null while there are none, as for most sessions most of the time (a set per session
   * would cost every idle session its memory).
   */
  private transient volatile Set<String> dirty;
  private transient volatile Set<String> accessed;
  /** The cache key and the id it was made for (it changes only when the id's route-free part does). */
  transient volatile byte[] key;
  transient volatile String keyId;
  /** Attributes this node could not deserialize, kept as bytes so they are not lost; null if none. */
  transient volatile Map<String, byte[]> unreadable;
  /** Requests of this session that finished and want their changes replicated (group commit). */
  final transient java.util.concurrent.atomic.AtomicLong finished = new java.util.concurrent.atomic.AtomicLong();
  /** The last request number whose changes a flush has taken in; guarded by the session lock. */
  transient long flushedUpTo;
  /**
   * The write of the last flush, set under the session lock; cleared without it once acknowledged,
   * so that the session does not keep the replies.
   */
  final transient java.util.concurrent.atomic.AtomicReference<dev.baton.cluster.Write> lastWrite =
      new java.util.concurrent.atomic.AtomicReference<>();
  /**
   * Threads using the attributes now: requests (from {@link #access()} to {@link #endAccess()}) and,
   * when the manager swaps sessions out, attribute calls; a session in use is never swapped out.
   */
  private transient volatile int inUse;
  /** The attributes are only in {@link #baseEntry}'s record (see {@link BatonManager#setMaxIdleSwap}). */
  private transient volatile boolean swappedOut;
  /** Set while {@link #isValid()} finds the session idle past its limit. */
  private transient volatile boolean timingOut;
  private transient volatile boolean deletedElsewhere;

  public BatonSession(Manager manager) {
    super(manager);
  }

  private BatonManager batonManager() {
    return (BatonManager) manager;
  }

  @Override
  public void access() {
    IN_USE.getAndAdd(this, 1);
    super.access();
    if (swappedOut) {
      batonManager().swapIn(this);
    }
  }

  @Override
  public void endAccess() {
    super.endAccess();
    if ((int) IN_USE.getAndAdd(this, -1) == 1) {
      batonManager().unused(this);
    }
  }

  /**
   * Runs an attribute call: when the manager swaps sessions out, with the attributes marked in use
   * (no swap-out meanwhile) and deserialized first if the session was swapped out.
   */
  private <T> T withAttributes(Supplier<T> call) {
    if (!batonManager().swapsOut()) {
      return call.get();
    }
    IN_USE.getAndAdd(this, 1);
    try {
      if (swappedOut) {
        batonManager().swapIn(this);
      }
      return call.get();
    } finally {
      IN_USE.getAndAdd(this, -1);
    }
  }

  // A change is noted while the attributes are in use: a swap-out that follows sees it.
  @Override
  public void setAttribute(String name, Object value, boolean notify) {
    withAttributes(() -> {
      super.setAttribute(name, value, notify);
      return changed(name);
    });
  }

  @Override
  public void removeAttribute(String name, boolean notify) {
    withAttributes(() -> {
      super.removeAttribute(name, notify);
      return changed(name);
    });
  }

  @Override
  public java.util.Enumeration<String> getAttributeNames() {
    return withAttributes(super::getAttributeNames);
  }

  /** Notes that {@code name} was set or removed; returns null (for {@link #withAttributes}). */
  private Void changed(String name) {
    note(DIRTY, name);
    forgetUnreadable(name);
    return null;
  }

  private void forgetUnreadable(String name) {
    Map<String, byte[]> m = unreadable;
    if (m != null) {
      m.remove(name);
    }
  }

  /**
   * Notes {@code name} in the set of {@code field}, made on first use. A flush may take the set
   * meanwhile: if it took it before our note landed, the name is noted again in the next set, so
   * that no change made after a flush read the attributes goes unreplicated.
   */
  @SuppressWarnings("unchecked")
  private void note(VarHandle field, String name) {
    for (;;) {
      Set<String> names = (Set<String>) field.getVolatile(this);
      if (names == null) {
        names = ConcurrentHashMap.newKeySet(4);
        if (!field.compareAndSet(this, null, names)) {
          continue;
        }
      }
      names.add(name);
      if (field.getVolatile(this) == names) {
        return;
      }
    }
  }

  /** Takes the attributes set or removed since the last call: the ones a flush serializes again. */
  @SuppressWarnings("unchecked")
  Set<String> takeDirty() {
    Set<String> names = (Set<String>) DIRTY.getAndSet(this, null);
    return names == null ? Set.of() : names;
  }

  /** Takes the mutable attributes read since the last call. */
  @SuppressWarnings("unchecked")
  Set<String> takeAccessed() {
    Set<String> names = (Set<String>) ACCESSED.getAndSet(this, null);
    return names == null ? Set.of() : names;
  }

  /** Whether an attribute was set or removed since the last flush. */
  boolean hasChanges() {
    return dirty != null;
  }

  @Override
  public Object getAttribute(String name) {
    if (TlsIdentity.SESSION_ATTRIBUTE.equals(name)) {
      super.getAttribute(name); // an invalidated session throws, as for any attribute
      TlsIdentity bound = boundTls;
      return bound == null ? null : bound.describe();
    }
    return withAttributes(() -> {
      Object value = super.getAttribute(name);
      if (value != null && batonManager().dirtyPolicy() == DirtyPolicy.ACCESSED && !SessionValues.isImmutable(value)) {
        note(ACCESSED, name);
      }
      return value;
    });
  }

  @Override
  public boolean isValid() {
    if (isValid && !expiring && maxInactiveInterval > 0
        && getIdleTimeInternal() >= maxInactiveInterval * 1000L) {
      // Idle here, but maybe in use on another node: the cluster knows the latest access.
      StateEntry e = batonManager().clusterEntry(this);
      if (e != null && !e.isTombstone() && e.lastAccessMillis() > thisAccessedTime) {
        thisAccessedTime = e.lastAccessMillis();
        lastAccessedTime = e.lastAccessMillis();
      } else {
        timingOut = true;
        // A tombstone newer than what this node loaded is a delete by another node (an invalidation):
        // its listeners fired there.
        StateEntry loaded = baseEntry;
        deletedElsewhere = e != null && e.isTombstone() && loaded != null
            && (e.version() != loaded.version() || e.origin() != loaded.origin());
      }
    }
    return super.isValid();
  }

  /**
   * Expires the session here. An invalidation fires the listeners here and deletes the session
   * cluster-wide. A time-out does so only on the node chosen by the manager (the one that served the
   * session last); any other node drops its copy silently, so the listeners fire once.
   */
  @Override
  public void expire(boolean notify) {
    if (timingOut && (deletedElsewhere || !batonManager().firesExpiryOf(this))) {
      super.expire(false);
      return;
    }
    if (notify && swappedOut) {
      batonManager().swapIn(this); // the unbind listeners need the attributes
    }
    String id = getIdInternal();
    if (isValid && !expiring && id != null) {
      // Delete cluster-wide before the listeners run: a listener (single sign-on's) may look the
      // session up under another node's route id, and must not load it back from the cluster.
      batonManager().ended(id);
    }
    super.expire(notify);
  }

  /** Drops the session from this node only (it was invalidated elsewhere); no listener fires. */
  void dropLocally() {
    super.expire(false);
  }

  /** Access and last access as restored from another node. */
  void restoreTimes(long thisAccessed, long lastAccessed) {
    this.thisAccessedTime = thisAccessed;
    this.lastAccessedTime = lastAccessed;
  }

  /** Puts a deserialized attribute in place without firing listeners (a restore, not a change). */
  void restoreAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  /** The attribute without counting it as read by the application. */
  Object rawAttribute(String name) {
    return attributes.get(name);
  }

  /** Valid, without the time-out check of {@link #isValid()}. */
  boolean validInternal() {
    return isValidInternal();
  }

  void clearRestoredAttributes() {
    attributes.clear();
  }

  boolean isSwappedOut() {
    return swappedOut;
  }

  /** Nothing set, removed or read (mutable) since the last flush took the changes. */
  boolean unchangedSinceFlush() {
    return !hasChanges() && accessed == null;
  }

  /** Marks {@code name} changed again: the flush that took it could not serialize it. */
  void retryAtNextFlush(String name) {
    note(DIRTY, name);
  }

  /**
   * Drops the deserialized attributes, unless a thread uses them; the caller holds the session lock
   * and checked that {@link #baseEntry}'s record holds them all as they are. The flag is raised before the
   * use count is read, and a user counts itself before it reads the flag: either this sees the user
   * and backs off, or the user sees the flag and swaps the attributes back in (after this, under
   * the lock).
   */
  void swapOut() {
    swappedOut = true;
    if (inUse != 0) {
      swappedOut = false;
      return;
    }
    passivate(); // sessionWillPassivate, as before Tomcat's own swap-out
    attributes = new ConcurrentHashMap<>(); // an empty map holds no table
  }

  /** The attributes are live again (deserialized, or replaced by a restore). Holds the session lock. */
  void swappedIn() {
    swappedOut = false;
  }
}
