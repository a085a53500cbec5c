package dev.baton.tls;

/**
 * Says whether TLS sessions of this JVM's JDK TLS can resume on other nodes:
 * {@code java --add-opens java.base/sun.security.ssl=ALL-UNNAMED -cp baton-tomcat-all.jar dev.baton.tls.TlsCheck}.
 * Exits 0 if they can, 1 with the reason if not.
 */
public final class TlsCheck {

  private TlsCheck() {}

  public static void main(String[] args) {
    JdkTicketKeys.Availability a = JdkTicketKeys.availability();
    System.out.println((a.available() ? "yes: " : "no: ") + a.reason());
    System.exit(a.available() ? 0 : 1);
  }
}
