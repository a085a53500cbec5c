package dev.baton.session;

import dev.baton.cluster.ClusterNode;
import dev.baton.cluster.RateLimitedLog;
import dev.baton.cluster.Write;
import dev.baton.cluster.WriteRequest;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.StateKind;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The sessions of one web application in the cluster, as both adapters keep them: each a
 * {@link SessionRecord} in the cluster cache, keyed by host, context path and the session id
 * without its route ({@link StateKey#httpSession}), so that Tomcat and Jetty nodes share them.
 *
 * <p>The rules both containers follow live here:
 * <ul>
 *   <li><b>Writes</b> ({@link #write}) go as a change from the entry this node last wrote or loaded
 *       (its <em>base</em>): nothing but the access time moved, a touch; otherwise the new record,
 *       as a {@link SessionDelta} when that is at most half the record, else whole.</li>
 *   <li><b>Concurrent writes</b> on several nodes merge attribute by attribute: each part a write
 *       changed is stamped with the node's clock, and every node keeps the newest of each part
 *       ({@link SessionRecord#merge}); an invalidation wins over a write made at the same time.</li>
 *   <li><b>Attributes</b> are read back through the allow-list with the web application's class
 *       loader; one that cannot be read is kept as bytes and written back untouched, never dropped
 *       ({@link #readAttributes}).</li>
 *   <li><b>Access time</b>: the latest on any node ({@link #lastAccess}): accesses travel as touches
 *       of the cache entry, not as new records.</li>
 *   <li><b>Expiry</b> listeners fire on one node: the one that served the session last, or, if
 *       that node is gone, the first member ({@link #firesExpiry}).</li>
 *   <li>Warnings name the web application and the attribute, never contents or whole ids, and come
 *       at most once per 10 s.</li>
 * </ul>
 * Thread-safe.
 */
public final class SessionStore {

  private static final System.Logger LOG = System.getLogger(SessionStore.class.getName());

  /**
   * Names of a record's entries that an adapter keeps for itself (container state that travels with
   * the session, such as a FORM login in progress), not attributes of the application: they merge
   * as attributes do, and {@link #readAttributes} leaves them out.
   */
  public static final String ADAPTER_PREFIX = "dev.baton.adapter.";

  private final ClusterNode node;
  private final String host;
  private final String contextPath;
  private final AttributeSerializer serializer;
  private final SessionRecordCodec codec = new SessionRecordCodec(CodecLimits.DEFAULT);
  private final RateLimitedLog log;

  /**
   * @param virtualHost the host the application is deployed on; null for the default host
   * @param contextPath the application's context path
   */
  public SessionStore(ClusterNode node, String virtualHost, String contextPath, AttributeSerializer serializer) {
    this.node = node;
    this.host = virtualHost;
    this.contextPath = contextPath;
    this.serializer = serializer;
    this.log = new RateLimitedLog(LOG, "[" + StateKey.webappScope(virtualHost, contextPath) + "] ");
    node.registerMerger(StateKind.HTTP_SESSION, SessionMerge::merge);
  }

  public ClusterNode node() {
    return node;
  }

  /** The cache key of a session id (with or without its route suffix). */
  public byte[] key(String sessionId) {
    return StateKey.httpSession(host, contextPath, sessionId).toBytes();
  }

  /** The record an entry holds; null (warned about) if it is a tombstone or unreadable. */
  public SessionRecord decode(StateEntry e) {
    return e == null ? null : decode(e.value());
  }

  /**
   * The attributes of {@code record} as objects, deserialized with {@code loader} through the
   * allow-list; those that cannot be read are kept as bytes in {@link Attributes#unreadable()}. An
   * adapter's own entries ({@link #ADAPTER_PREFIX}) are not attributes and are left out.
   */
  public Attributes readAttributes(SessionRecord record, ClassLoader loader) {
    Map<String, Object> values = new HashMap<>();
    Map<String, byte[]> unreadable = new HashMap<>();
    for (Map.Entry<String, byte[]> a : record.attributes().entrySet()) {
      if (a.getKey().startsWith(ADAPTER_PREFIX)) {
        continue;
      }
      try {
        values.put(a.getKey(), serializer.deserialize(a.getKey(), a.getValue(), loader));
      } catch (AttributeException e) {
        unreadable.put(a.getKey(), a.getValue());
        log.warn(e.getMessage());
      }
    }
    return new Attributes(values, unreadable);
  }

  /**
   * An attribute's serialized bytes, or null (warned about) if it cannot be serialized: the caller
   * keeps the last good copy and tries again at the next write.
   *
   * @param old the bytes the base record holds for it, reused when they are the same, so that a
   *     delta sees no change; may be null
   */
  public byte[] serialize(String name, Object value, byte[] old) {
    try {
      byte[] bytes = serializer.serialize(name, value);
      return old != null && Arrays.equals(old, bytes) ? old : bytes;
    } catch (AttributeException e) {
      log.warn(e.getMessage());
      return null;
    }
  }

  /**
   * Replicates {@code after}, made from {@code before} (the record of {@code base}, or null for a
   * session this node has not written or loaded yet). What {@code after} changed is stamped here;
   * what it left as {@code before} had it keeps {@code before}'s stamps, so a newer change of it
   * made on another node meanwhile survives the merge.
   *
   * @return the started write, or null if only the access time moved and the cache entry was
   *     touched instead
   */
  public Written write(byte[] key, StateEntry base, SessionRecord before, SessionRecord after, long maxIdleMillis) {
    if (before != null && after.sameExceptAccess(before) && node.touch(key)) {
      return null;
    }
    after.stampChanges(before, new Stamp(node.newVersion(), node.nodeId()));
    byte[] value = codec.encode(after);
    SessionDelta delta = before == null ? null : SessionDelta.between(before, after);
    // A delta costs every receiver a decode, a merge and a re-encode, and a fetch of the whole
    // record when it is not on the delta's base: worth it only when its attributes are at most half
    // the record (judged before encoding it).
    WriteRequest put = WriteRequest.put(key, value, maxIdleMillis).base(base);
    return new Written(node.write(delta != null && changedBytes(delta) * 2 <= value.length
        ? put.delta(base, delta.encode()) : put), value);
  }

  /**
   * A started session write, and the record this node made (encoded): what its in-memory session
   * matches. The entry written may hold more, when changes made elsewhere meanwhile were merged in
   * ({@link #madeIfMerged}); the next write of the session must then be made from {@code made}, not from
   * the entry, so that what this node did not change keeps its older stamps and the newer changes
   * made elsewhere survive.
   *
   * @param write the write, whose entry is the base of the next one
   * @param made the record this node wrote, encoded
   */
  public record Written(Write write, byte[] made) {
    /**
     * This node's record if the entry written merged in changes made elsewhere (the next write is
     * made from it); null if the entry holds just that record.
     */
    public byte[] madeIfMerged() {
      return write.entry().value() != made ? made : null;
    }
  }

  /**
   * The record a node's next write of a session is made from: what its in-memory session matches,
   * the record it made last if that was merged ({@link Written#madeIfMerged}), else its base entry's.
   */
  public SessionRecord before(StateEntry base, byte[] madeIfMerged) {
    return madeIfMerged != null ? decode(madeIfMerged) : decode(base);
  }

  /** The record {@code value} encodes (an entry's value or {@link Written#made}); null (warned about) if unreadable. */
  public SessionRecord decode(byte[] value) {
    try {
      return value == null ? null : codec.decode(value);
    } catch (MalformedMessageException ex) {
      log.warn("a session in the cluster cache is unreadable and was ignored: " + ex.getMessage());
      return null;
    }
  }

  /** Deletes a session cluster-wide (a tombstone, so that it never comes back). */
  public void delete(String sessionId) {
    node.remove(key(sessionId));
  }

  /**
   * Whether this node fires a session's time-out listeners: it served the session last
   * ({@code lastNode}, null for a session only it knows), or that node is gone and this one is the
   * first member.
   */
  public boolean firesExpiry(String lastNode) {
    String me = node.settings().nodeName();
    if (lastNode == null || lastNode.equals(me)) {
      return true;
    }
    List<String> members = node.memberNames();
    return !members.contains(lastNode) && !members.isEmpty() && members.get(0).equals(me);
  }

  /** The session's latest access on any node: its record's, or a later touch of its entry. */
  public static long lastAccess(SessionRecord r, StateEntry e) {
    return Math.max(r.accessedMillis(), e.lastAccessMillis());
  }

  /** Whether the session had expired at {@code time}, counting accesses on any node. */
  public static boolean expiredAt(SessionRecord r, StateEntry e, long time) {
    return r.maxInactiveSeconds() > 0 && lastAccess(r, e) + r.maxInactiveSeconds() * 1000L <= time;
  }

  /** Every live session of this web application held on this node, with its entry. */
  public void forEachLive(BiConsumer<SessionRecord, StateEntry> action) {
    byte[] scope = key("x");
    forEachLiveSession(scope.length - 1, scope, action);
  }

  /** Every live session of any web application held on this node, with its entry. */
  public void forEachLiveOfAnyApplication(BiConsumer<SessionRecord, StateEntry> action) {
    forEachLiveSession(1, new byte[] {(byte) StateKind.HTTP_SESSION.code()}, action);
  }

  /** The live sessions whose keys start with the first {@code prefix} bytes of {@code start}. */
  private void forEachLiveSession(int prefix, byte[] start, BiConsumer<SessionRecord, StateEntry> action) {
    node.forEachLive(e -> {
      byte[] k = e.key();
      if (k.length > prefix && Arrays.equals(k, 0, prefix, start, 0, prefix)) {
        SessionRecord r = decode(e);
        if (r != null) {
          action.accept(r, e);
        }
      }
    });
  }

  /** Logs a warning about this web application's sessions, rate-limited. */
  public void warn(String message) {
    log.warn(message);
  }

  private static long changedBytes(SessionDelta delta) {
    long n = 0;
    for (byte[] v : delta.set().values()) {
      n += v.length;
    }
    return n;
  }

  /**
   * A record's attributes as objects, and those that could not be read, as bytes.
   *
   * @param values what was deserialized
   * @param unreadable what was not, kept to be written back untouched
   */
  public record Attributes(Map<String, Object> values, Map<String, byte[]> unreadable) {}
}
