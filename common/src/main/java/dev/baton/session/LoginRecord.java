package dev.baton.session;

import java.util.List;
import java.util.Objects;

/**
 * A logged-in user, in a form both containers can rebuild their own principal from: Tomcat's
 * {@code GenericPrincipal} and Jetty's {@code UserIdentity} both reduce to a name, an
 * authentication method and roles.
 *
 * @param name the principal's name
 * @param authType the servlet authentication method ({@code FORM}, {@code BASIC}, {@code DIGEST},
 *     {@code CLIENT_CERT}, …)
 * @param roles the user's roles; never null
 */
public record LoginRecord(String name, String authType, List<String> roles) {
  public LoginRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(authType, "authType");
    roles = List.copyOf(roles);
  }

  @Override
  public String toString() {
    return "LoginRecord[name=" + name + ", authType=" + authType + ", roles=" + roles.size() + "]";
  }
}
