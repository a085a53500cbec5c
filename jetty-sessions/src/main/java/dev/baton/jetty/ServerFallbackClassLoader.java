package dev.baton.jetty;

/**
 * Resolves a class with the web application's loader first and, for the server classes Jetty hides
 * from web applications (those it keeps in sessions itself, such as FORM login's saved URI), with
 * the server's loader. Used only to read session attributes, after the allow-list admitted the
 * class name.
 */
final class ServerFallbackClassLoader extends ClassLoader {

  private final ClassLoader server;

  ServerFallbackClassLoader(ClassLoader webapp, ClassLoader server) {
    super(webapp);
    this.server = server;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    return server.loadClass(name);
  }
}
