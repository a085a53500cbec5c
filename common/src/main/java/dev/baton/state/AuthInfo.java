package dev.baton.state;

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
public record AuthInfo(String name, String authType, List<String> roles) {
  public AuthInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(authType, "authType");
    roles = List.copyOf(roles);
  }

  @Override
  public String toString() {
    return "AuthInfo[name=" + name + ", authType=" + authType + ", roles=" + roles.size() + "]";
  }
}
