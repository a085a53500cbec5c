package dev.baton.jetty;

import dev.baton.session.LoginRecord;
import java.util.List;
import javax.security.auth.Subject;
import org.eclipse.jetty.security.RolePrincipal;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.UserPrincipal;
import org.eclipse.jetty.security.authentication.SessionAuthentication;

/**
 * Translates between Jetty's login in the session ({@link SessionAuthentication} under
 * {@link SessionAuthentication#AUTHENTICATED_ATTRIBUTE}) and the container-neutral {@link LoginRecord}
 * Tomcat nodes read and write. Jetty's object is never stored as such: serialized, it would carry the
 * user's credentials into the cache, and a Tomcat node could not read it.
 */
final class JettyLogins {

  static final String ATTRIBUTE = SessionAuthentication.AUTHENTICATED_ATTRIBUTE;

  private JettyLogins() {}

  /** The login held by the attribute value, or null if it is not a Jetty session login. */
  static LoginRecord toLoginRecord(Object attribute) {
    if (!(attribute instanceof SessionAuthentication sa) || sa.getUserIdentity() == null
        || sa.getUserIdentity().getUserPrincipal() == null) {
      return null;
    }
    UserIdentity u = sa.getUserIdentity();
    // Roles live in the subject as RolePrincipals (UserIdentity.getRoles() is not in every 12.1.x).
    List<String> roles = u.getSubject() == null ? List.of()
        : u.getSubject().getPrincipals(RolePrincipal.class).stream().map(RolePrincipal::getName).sorted().toList();
    return new LoginRecord(u.getUserPrincipal().getName(), sa.getAuthenticationType(), roles);
  }

  /** Jetty's session login for a user logged in on any node. */
  static Object fromLoginRecord(LoginRecord auth) {
    UserPrincipal principal = new UserPrincipal(auth.name(), null);
    Subject subject = new Subject();
    principal.configureSubject(subject);
    for (String role : auth.roles()) {
      new RolePrincipal(role).configureForSubject(subject);
    }
    UserIdentity identity = UserIdentity.from(subject, principal, auth.roles().toArray(new String[0]));
    return new SessionAuthentication(auth.authType(), identity, null);
  }
}
