package dev.baton.cluster;

import java.util.Set;

/**
 * Who may obtain a running cluster node. The node holds every session, login and TLS key of the
 * container, so it is handed to the container and to Baton's own adapters, never to a web
 * application unless the operator allowed it ({@code webAppAccess=on}). A class is a web
 * application's when its class loader, or one above it, is a container's web application loader
 * (Tomcat's {@code WebappClassLoaderBase}, Jetty's {@code WebAppClassLoader} of every EE
 * environment, and what they load: JSPs too). The loader decides, not the class's name, and the
 * whole stack is judged, so container code a web application calls cannot carry the node out to
 * it. Where Baton and the application share one loader (Spring Boot, embedded Jetty) there is no
 * web application loader: the application is the container, and is allowed.
 */
final class CallerCheck {

  /**
   * Simple names, not full ones: Jetty has one such class per EE environment, in packages that
   * change between versions, and Baton must not depend on either container here.
   */
  private static final Set<String> WEB_APP_LOADERS = Set.of("WebappClassLoaderBase", "WebAppClassLoader");

  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private CallerCheck() {}

  /**
   * @throws SecurityException if a class on the stack is a web application's and {@code allowed}
   *     is false
   */
  static void requireContainer(String what, boolean allowed) {
    if (allowed) {
      return;
    }
    Class<?> app = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
        .filter(c -> ofWebApplication(c.getClassLoader())).findFirst().orElse(null));
    if (app != null) {
      throw new SecurityException(what + " was asked for by " + app.getName() + ", a class of a web application:"
          + " web applications may not use the cluster node, which holds every session and key. An operator who"
          + " wants them to sets webAppAccess=on.");
    }
  }

  /** Whether {@code loader} is a web application loader or one below it. */
  private static boolean ofWebApplication(ClassLoader loader) {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      for (Class<?> c = l.getClass(); c != null; c = c.getSuperclass()) {
        if (WEB_APP_LOADERS.contains(c.getSimpleName())) {
          return true;
        }
      }
    }
    return false;
  }
}
