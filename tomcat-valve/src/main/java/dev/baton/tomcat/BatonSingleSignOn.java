package dev.baton.tomcat;

import dev.baton.cluster.ClusterNode;
import dev.baton.session.AllowListFilter;
import dev.baton.session.AttributeException;
import dev.baton.session.AttributeSerializer;
import dev.baton.state.StateEntry;
import dev.baton.state.StateKey;
import dev.baton.state.StateKind;
import java.security.Principal;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.catalina.Container;
import org.apache.catalina.Engine;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Session;
import org.apache.catalina.authenticator.SingleSignOn;
import org.apache.catalina.authenticator.SingleSignOnEntry;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * Cluster-wide single sign-on: Tomcat's {@link SingleSignOn} valve with its entries in the Baton
 * cluster (kind {@link StateKind#SSO}, scoped to the host), so a user signed on through one node is
 * signed on for every application of the host on every node, also after that node died. Put it in
 * the {@code <Host>} of a server whose {@code <Engine>} has a {@link BatonCluster}:
 * <pre>{@code <Valve className="dev.baton.tomcat.BatonSingleSignOn"/>}</pre>
 *
 * <p>Entries hold what Tomcat's own entry holds (principal, auth type and, for re-authentication,
 * user name and password), so they travel only sealed; they are deleted cluster-wide when the
 * user's last session ends.
 */
public class BatonSingleSignOn extends SingleSignOn {

  private static final Log LOG = LogFactory.getLog(BatonSingleSignOn.class);
  private static final List<String> SSO_CLASSES = List.of(
      "org.apache.catalina.authenticator.SingleSignOnEntry",
      "org.apache.catalina.authenticator.SingleSignOnSessionKey",
      "org.apache.catalina.realm.GenericPrincipal",
      "org.apache.catalina.realm.GenericPrincipal$SerializablePrincipal",
      "java.util.concurrent.locks.*");

  private ClusteredEntries entries;

  @Override
  protected void startInternal() throws LifecycleException {
    BatonCluster cluster = null;
    for (Container c = getContainer(); c != null; c = c.getParent()) {
      if (c instanceof Engine e && e.getCluster() instanceof BatonCluster bc) {
        cluster = bc;
      }
    }
    if (cluster == null || cluster.node() == null) {
      throw new LifecycleException("BatonSingleSignOn needs a <Cluster className=\"dev.baton.tomcat.BatonCluster\"/> "
          + "in the <Engine> around its <Host>");
    }
    entries = new ClusteredEntries(cluster.node(), getContainer().getName());
    cache = entries;
    super.startInternal();
  }

  @Override
  protected boolean associate(String ssoId, Session session) {
    boolean done = super.associate(ssoId, session);
    if (done) {
      entries.writeBack(ssoId);
    }
    return done;
  }

  @Override
  protected boolean update(String ssoId, Principal principal, String authType, String username, String password) {
    boolean done = super.update(ssoId, principal, authType, username, password);
    if (done) {
      entries.writeBack(ssoId);
    }
    return done;
  }

  @Override
  protected void removeSession(String ssoId, Session session) {
    super.removeSession(ssoId, session);
    entries.writeBack(ssoId); // a no-op if the last session's removal deregistered the entry
  }

  @Override
  protected void sessionChangedId(String ssoId, Session session, String oldSessionId) {
    super.sessionChangedId(ssoId, session, oldSessionId);
    entries.writeBack(ssoId);
  }

  /**
   * The valve's map, backed by the cluster: a read takes the cluster's current entry (pulled if
   * this node lacks it), a write or delete goes to the cluster at once.
   */
  private static final class ClusteredEntries extends AbstractMap<String, SingleSignOnEntry> {
    private record Held(SingleSignOnEntry entry, long version, int origin) {}

    private final ClusterNode node;
    private final String host;
    private final AttributeSerializer serializer = new AttributeSerializer(
        AllowListFilter.defaultsPlus(SSO_CLASSES, AllowListFilter.DEFAULT_MAX_BYTES));
    private final Map<String, Held> local = new ConcurrentHashMap<>();

    ClusteredEntries(ClusterNode node, String host) {
      this.node = node;
      this.host = host;
    }

    private byte[] key(Object ssoId) {
      return new StateKey(StateKind.SSO, host.toLowerCase(java.util.Locale.ROOT), String.valueOf(ssoId)).toBytes();
    }

    @Override
    public SingleSignOnEntry get(Object ssoId) {
      StateEntry e = node.getOrPull(key(ssoId));
      if (e == null) {
        local.remove(String.valueOf(ssoId));
        return null;
      }
      Held held = local.get(String.valueOf(ssoId));
      if (held != null && held.version() == e.version() && held.origin() == e.origin()) {
        return held.entry();
      }
      try {
        SingleSignOnEntry entry = (SingleSignOnEntry) serializer.deserialize("sso", e.value(),
            SingleSignOn.class.getClassLoader());
        local.put(String.valueOf(ssoId), new Held(entry, e.version(), e.origin()));
        return entry;
      } catch (AttributeException | ClassCastException ex) {
        LOG.warn("A single sign-on entry in the cluster cache could not be read: " + ex.getMessage());
        return null;
      }
    }

    @Override
    public SingleSignOnEntry put(String ssoId, SingleSignOnEntry entry) {
      StateEntry written = node.put(key(ssoId), serializer.serialize("sso", entry), 0);
      local.put(ssoId, new Held(entry, written.version(), written.origin()));
      return null;
    }

    @Override
    public SingleSignOnEntry remove(Object ssoId) {
      SingleSignOnEntry current = get(ssoId);
      node.remove(key(ssoId));
      local.remove(String.valueOf(ssoId));
      return current;
    }

    /** Writes an entry changed in place back to the cluster. */
    void writeBack(String ssoId) {
      Held held = local.get(ssoId);
      if (held != null && node.get(key(ssoId)) != null) {
        put(ssoId, held.entry());
      }
    }

    @Override
    public Set<Map.Entry<String, SingleSignOnEntry>> entrySet() {
      // Only the entries this node read or wrote: the cluster's are not enumerated.
      Map<String, SingleSignOnEntry> view = new java.util.HashMap<>();
      local.forEach((k, h) -> view.put(k, h.entry()));
      return view.entrySet();
    }
  }
}
