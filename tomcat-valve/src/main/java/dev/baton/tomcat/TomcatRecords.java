package dev.baton.tomcat;

import dev.baton.session.LoginRecord;
import dev.baton.session.SessionRecord;
import dev.baton.session.SessionStore;
import dev.baton.session.TlsIdentity;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.wire.MalformedMessageException;
import java.security.Principal;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.catalina.connector.Request;
import org.apache.catalina.realm.GenericPrincipal;

/** Tomcat's session to the neutral {@link SessionRecord} and back: the adapter's glue. */
final class TomcatRecords {

  private TomcatRecords() {}

  /**
   * The record of {@code s} after a request: what changed is serialized again (set or removed, and
   * with {@link DirtyPolicy#ACCESSED} mutable attributes read), the rest taken from {@code before}.
   */
  static SessionRecord toRecord(BatonSession s, SessionRecord before, Request request, SessionStore store,
      DirtyPolicy dirtyPolicy, String nodeName) {
    SessionRecord r = new SessionRecord(StateKey.stripRoute(s.getIdInternal()), s.getCreationTimeInternal(),
        s.getMaxInactiveInterval());
    r.accessedMillis(s.getThisAccessedTimeInternal());
    r.lastAccessedMillis(s.getLastAccessedTimeInternal());
    r.lastNode(nodeName);
    Principal p = s.getPrincipal();
    if (p != null) {
      List<String> roles = p instanceof GenericPrincipal gp ? Arrays.asList(gp.getRoles()) : List.of();
      r.auth(new LoginRecord(p.getName(), Objects.requireNonNullElse(s.getAuthType(), "UNKNOWN"), roles));
    }
    r.tls(TlsIdentity.bind(before, () -> TomcatTlsIdentity.of(request)));
    // Taken before the attributes are read: a change made from now on is noted for the next flush.
    Set<String> dirty = s.takeDirty();
    Set<String> accessed = s.takeAccessed();
    for (String name : Collections.list(s.getAttributeNames())) {
      byte[] old = before == null ? null : before.attribute(name);
      boolean changed = old == null || dirty.contains(name)
          || (dirtyPolicy == DirtyPolicy.ACCESSED && accessed.contains(name));
      byte[] bytes = changed ? store.serialize(name, s.rawAttribute(name), old) : old;
      if (bytes != null) {
        r.attribute(name, bytes);
      } else {
        if (old != null) {
          r.attribute(name, old); // keep the last good copy rather than lose the attribute
        }
        // Tried again at the next flush; until then the record lacks this value, so the session
        // is not swapped out.
        s.retryAtNextFlush(name);
      }
    }
    Map<String, byte[]> unreadable = s.unreadable;
    if (unreadable != null) {
      unreadable.forEach(r::attribute);
    }
    byte[] login = FormLoginNotes.encode(s);
    if (login != null) {
      byte[] old = before == null ? null : before.attribute(FormLoginNotes.ATTRIBUTE);
      r.attribute(FormLoginNotes.ATTRIBUTE, old != null && Arrays.equals(old, login) ? old : login);
    }
    return r;
  }

  /**
   * Makes {@code s} the session {@code record} (held as {@code entry}) describes: attributes, times,
   * login; firing no listener but activation for a session new on this node.
   *
   * @param newId the id of a session new on this node; null to refresh one this node has
   */
  static void restore(BatonSession s, String newId, SessionRecord record, StateEntry entry, SessionStore store,
      ClassLoader loader) {
    synchronized (s) {
      loadAttributes(s, record, store, loader);
      s.swappedIn();
    }
    try {
      FormLoginNotes.restore(s, record.attribute(FormLoginNotes.ATTRIBUTE));
    } catch (MalformedMessageException ex) {
      store.warn("a FORM login in progress could not be read and starts again: " + ex.getMessage());
    }
    s.setValid(true);
    s.setNew(false);
    s.setMaxInactiveInterval(record.maxInactiveSeconds());
    if (newId != null) {
      s.setCreationTime(record.createdMillis());
      s.setId(newId, false);
      s.activate();
    }
    s.restoreTimes(SessionStore.lastAccess(record, entry), record.lastAccessedMillis());
    LoginRecord login = record.auth();
    if (login != null) {
      s.setPrincipal(new GenericPrincipal(login.name(), login.roles()));
      s.setAuthType(login.authType());
    } else {
      s.setPrincipal(null);
      s.setAuthType(null);
    }
    s.takeDirty();
    s.takeAccessed();
    s.baseEntry = entry;
    s.madeIfMerged = null;
    s.baseLastNode = record.lastNode();
    s.boundTls = record.tls();
  }

  /** Replaces the attributes of {@code s} with those of {@code record}, firing no listener. Holds the session lock. */
  static void loadAttributes(BatonSession s, SessionRecord record, SessionStore store, ClassLoader loader) {
    SessionStore.Attributes a = store.readAttributes(record, loader);
    s.clearRestoredAttributes();
    a.values().forEach(s::restoreAttribute);
    // Kept as bytes: written back untouched, readable by a node that has the class or the pattern.
    s.unreadable = a.unreadable().isEmpty() ? null : new ConcurrentHashMap<>(a.unreadable());
  }
}
