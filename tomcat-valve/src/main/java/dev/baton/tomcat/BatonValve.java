package dev.baton.tomcat;

import dev.baton.state.StateKey;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.Manager;
import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Request-end hook of {@link BatonManager}, added once to the pipeline of each host that has a
 * Baton application (by its manager), so that it wraps the application's whole pipeline, its
 * authenticator included: the FORM login page and {@code j_security_check}'s redirect, which the
 * authenticator answers itself, change the session too. Requests of applications without a
 * {@link BatonManager} pass through.
 *
 * <ul>
 *   <li>Before the request: a session id carrying another node's route ({@code ID.node1} arriving on
 *       node2 after node1 died) is loaded from the cluster and re-issued as {@code ID.node2}, so the
 *       client sticks to its new node; the cluster key (the id without route) does not change.</li>
 *   <li>After the request, before the response completes: what the request changed is replicated
 *       (in sync mode this waits for the owners' acknowledgements), and the TLS identity of the
 *       connection (protocol, cipher suite, client certificate subject) is bound to the session if
 *       it has none yet; the application reads it as the session attribute
 *       {@code dev.baton.tls.identity}.</li>
 * </ul>
 */
public class BatonValve extends ValveBase {

  public BatonValve() {
    super(true);
  }

  @Override
  public void invoke(Request request, Response response) throws IOException, ServletException {
    Manager m = request.getContext() == null ? null : request.getContext().getManager();
    if (!(m instanceof BatonManager manager)) {
      getNext().invoke(request, response);
      return;
    }
    moveRoute(request, manager);
    try {
      getNext().invoke(request, response);
    } finally {
      Session s = request.getSessionInternal(false);
      if (s instanceof BatonSession bs) {
        manager.requestCompleted(bs, request);
      }
    }
  }

  private static void moveRoute(Request request, BatonManager manager) {
    String requested = request.getRequestedSessionId();
    String route = manager.getJvmRoute();
    if (requested == null || route == null || requested.endsWith("." + route)) {
      return;
    }
    Session s = manager.findSession(requested);
    if (s != null && s.isValid()) {
      String moved = StateKey.stripRoute(requested) + "." + route;
      manager.changeSessionId(s, moved);
      request.changeSessionId(moved);
    }
  }
}
