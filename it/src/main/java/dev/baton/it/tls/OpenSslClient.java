package dev.baton.it.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real TLS client of the failover tests: {@code openssl s_client}, one HTTP request per
 * connection, the TLS session saved to a file ({@code -sess_out}) and offered again on another node
 * ({@code -sess_in}).
 */
public final class OpenSslClient {

  /** What one connection did. */
  public record Result(boolean reused, String protocol, String cipher, String output) {

    /** The value of {@code key=} in the shop's one-line answer, or null. */
    public String get(String key) {
      Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\[[^\\]]*\\]|\\S*)", Pattern.MULTILINE).matcher(output);
      return m.find() ? m.group(1) : null;
    }
  }

  private static final Pattern SUMMARY = Pattern.compile("^(New|Reused), (TLSv[0-9.]+), Cipher is (\\S+)", Pattern.MULTILINE);

  private final List<String> options;

  /**
   * @param options s_client options for every connection, e.g. {@code -tls1_2}, {@code -no_ticket},
   *     {@code -cert} and {@code -key}
   */
  public OpenSslClient(String... options) {
    this.options = List.of(options);
  }

  /**
   * Connects to {@code 127.0.0.1:port}, sends {@code GET path} (with {@code cookie} if not null) and
   * reads the answer; offers the session in {@code sessionIn} if not null, saves the session to
   * {@code sessionOut} if not null.
   */
  public Result connect(int port, String path, String cookie, Path sessionIn, Path sessionOut)
      throws IOException, InterruptedException {
    String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
    return run(port, sessionIn, sessionOut, request);
  }

  /**
   * A TLS handshake with {@code 127.0.0.1:port} and nothing else (no request; the client closes at
   * once), offering the session in {@code sessionIn} if not null; true if it was resumed.
   */
  public boolean handshake(int port, Path sessionIn) throws IOException, InterruptedException {
    return run(port, sessionIn, null, null).reused();
  }

  /** One s_client run; with a {@code request} it waits for the server to close (-ign_eof). */
  private Result run(int port, Path sessionIn, Path sessionOut, String request) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-servername", "localhost"));
    if (request != null) {
      cmd.add("-ign_eof");
    }
    cmd.addAll(options);
    if (sessionIn != null) {
      cmd.addAll(List.of("-sess_in", sessionIn.toString()));
    }
    if (sessionOut != null) {
      cmd.addAll(List.of("-sess_out", sessionOut.toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (request != null) {
      p.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("openssl s_client did not finish: " + out);
    }
    Matcher m = SUMMARY.matcher(out);
    if (!m.find()) {
      throw new IOException("no TLS session in the output of " + String.join(" ", cmd) + ":\n" + out);
    }
    return new Result(m.group(1).equals("Reused"), m.group(2), m.group(3), out);
  }

  /**
   * The first bytes of the session ticket saved in {@code session} (hex), which name the server key
   * that made it: 16 bytes with OpenSSL, 4 with the JDK. Null if the session has no ticket.
   */
  public static String ticketKeyName(Path session, int nameBytes) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("openssl", "sess_id", "-in", session.toString(), "-noout", "-text")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    int at = out.indexOf("TLS session ticket:");
    if (at < 0) {
      return null;
    }
    StringBuilder hex = new StringBuilder();
    for (String line : out.substring(at).split("\n")) {
      Matcher m = Pattern.compile("^\\s*[0-9a-f]{4} - (.*?)(\\s{2,}.*)?$").matcher(line);
      if (m.find()) {
        hex.append(m.group(1).replaceAll("[ -]", ""));
      }
      if (hex.length() >= nameBytes * 2) {
        return hex.substring(0, nameBytes * 2);
      }
    }
    return hex.length() == 0 ? null : hex.toString();
  }
}
