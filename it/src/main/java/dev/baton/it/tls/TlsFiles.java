package dev.baton.it.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test certificates made with the openssl command when a run starts (never committed): the
 * servers' self-signed certificate and key, shared by every node as docs/tls.md tells, and a client
 * certificate ({@code CN=alice}) signed by a test CA whose certificate the servers trust.
 */
public record TlsFiles(Path serverCertificate, Path serverKey, Path serverKeyStore, Path clientCa, Path clientTrustStore,
    Path clientCertificate, Path clientKey) {

  /** Password of the key and trust stores. */
  public static final String STORE_PASSWORD = "changeit";

  /** Makes the files in {@code dir} (created), the servers' key EC P-256. */
  public static TlsFiles make(Path dir) throws IOException, InterruptedException {
    return make(dir, false);
  }

  /** Makes the files in {@code dir} (created), the servers' key RSA 2048 if {@code rsa}, else EC P-256. */
  public static TlsFiles make(Path dir, boolean rsa) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    TlsFiles f = new TlsFiles(dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("server.p12"),
        dir.resolve("client-ca.crt"), dir.resolve("client-ca.p12"), dir.resolve("client.crt"), dir.resolve("client.key"));
    Path caKey = dir.resolve("client-ca.key");
    Path csr = dir.resolve("client.csr");
    Path ext = Files.writeString(dir.resolve("client.ext"), "keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
    openssl("req", "-x509", "-newkey", rsa ? "rsa:2048" : "ec", "-pkeyopt",
        rsa ? "rsa_keygen_pubexp:65537" : "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", f.serverKey().toString(), "-out", f.serverCertificate().toString());
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=Baton test client CA", "-keyout", caKey.toString(), "-out", f.clientCa().toString());
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=alice",
        "-keyout", f.clientKey().toString(), "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", f.clientCa().toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", f.clientCertificate().toString());
    // Jetty takes its key from a PKCS12 key store.
    openssl("pkcs12", "-export", "-in", f.serverCertificate().toString(), "-inkey", f.serverKey().toString(),
        "-name", "jetty", "-out", f.serverKeyStore().toString(), "-passout", "pass:" + STORE_PASSWORD);
    // The servers' trust store (password changeit), made as docs/tls.md tells with the JDK's keytool.
    Files.deleteIfExists(f.clientTrustStore());
    run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt", "-alias", "clients",
        "-file", f.clientCa().toString(), "-storetype", "PKCS12", "-keystore", f.clientTrustStore().toString(),
        "-storepass", STORE_PASSWORD);
    return f;
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    run(cmd);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    List<String> cmd = List.of(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
