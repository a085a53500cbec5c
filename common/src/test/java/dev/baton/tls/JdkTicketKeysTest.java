package dev.baton.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Two in-memory server contexts stand for two nodes; the client's session cache carries the ticket. */
class JdkTicketKeysTest {

  private static final long HOUR = 3_600_000;
  private static SelfSignedCertificate cert;
  private final SecureRandom random = new SecureRandom();

  @BeforeAll
  static void certificate() throws Exception {
    cert = SelfSignedCertificate.create("node");
  }

  private static SSLContext nodeWith(TicketKeyRing ring, long now) throws Exception {
    SSLContext ctx = cert.serverContext();
    JdkTicketKeys.of(ctx.getServerSessionContext()).install(ring, now);
    return ctx;
  }

  /** Whether a ticket made by a node with {@code ringA} resumes on a node with {@code ringB}. */
  private static boolean resumesAcross(String protocol, TicketKeyRing ringA, long nowA, TicketKeyRing ringB, long nowB)
      throws Exception {
    SSLContext client = cert.clientContext();
    SSLSession first = Handshake.run(client, nodeWith(ringA, nowA), protocol, "shop");
    SSLSession second = Handshake.run(client, nodeWith(ringB, nowB), protocol, "shop");
    return JdkTicketKeys.resumed(first, second);
  }

  @Test
  void theSelfTestPassesWithTheAddOpensFlag() {
    assertThat(JdkTicketKeys.availability().available()).as(JdkTicketKeys.availability().reason()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void aTicketFromOneNodeResumesOnAnotherWithTheSameRingOnly(String protocol) throws Exception {
    long now = System.currentTimeMillis();
    TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(now, HOUR, HOUR, random);
    TicketKeyRing other = TicketKeyRing.EMPTY.rotated(now, HOUR, HOUR, random);
    assertThat(resumesAcross(protocol, ring, now, ring, now)).isTrue();
    assertThat(resumesAcross(protocol, ring, now, other, now)).as("a node with other keys makes a full handshake").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void afterARotationAnOldTicketResumesUntilItsKeyStopsDecrypting(String protocol) throws Exception {
    long now = System.currentTimeMillis();
    TicketKeyRing ring = TicketKeyRing.EMPTY.rotated(now, HOUR, HOUR, random);
    TicketKey first = ring.current(now);
    long later = first.encryptUntil() + 1;
    TicketKeyRing rotated = ring.rotated(later, HOUR, HOUR, random);
    assertThat(rotated.current(later)).isNotEqualTo(first);
    // Node B moved on to the next key: a ticket made under the first key still decrypts ...
    assertThat(resumesAcross(protocol, ring, now, rotated, later)).isTrue();
    // ... until the first key's decryptUntil, then B drops it and makes a full handshake.
    long beyond = first.decryptUntil() + 1;
    assertThat(resumesAcross(protocol, ring, now, rotated.rotated(beyond, HOUR, HOUR, random), beyond)).isFalse();
  }

  @Test
  void withoutTheFlagTheCheckNamesIt() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), TlsCheck.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out).contains("no: ").contains(JdkTicketKeys.ADD_OPENS);
  }
}
