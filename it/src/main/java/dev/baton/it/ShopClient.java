package dev.baton.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A shop customer: one session cookie, sent to whichever node the test or demo picks, the way a
 * load balancer in front of the nodes would. Follows no redirect on its own, so that the login's
 * session-id change is visible. Loopback only.
 */
public final class ShopClient {

  private static final java.util.regex.Pattern FIELD =
      java.util.regex.Pattern.compile("([a-z]+)=(.*?)(?= [a-z]+=|$)");

  /**
   * One connection pool for every customer, as a balancer's would be (a client per customer costs a
   * selector thread each and a new connection per customer); each customer still has its own
   * cookies, which this class sends itself.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private String sessionId;
  private String ssoId;

  /** A client with no session of its own that carries {@code other}'s single sign-on cookie. */
  public static ShopClient withSingleSignOnOf(ShopClient other) {
    ShopClient c = new ShopClient();
    c.ssoId = other.ssoId;
    return c;
  }

  /** The single sign-on cookie's value, or null. */
  public String ssoId() {
    return ssoId;
  }

  /** The session id as last set by a node (with its route suffix), or null. */
  public String sessionId() {
    return sessionId;
  }

  /** One answer of the shop: status and the parsed {@code key=value} line. */
  public record Answer(int status, Map<String, String> fields, String body, String location) {
    public String get(String key) {
      return fields.getOrDefault(key, "");
    }

    /** True if the node asks to log in: Tomcat shows the form, Jetty redirects to it. */
    public boolean asksToLogIn() {
      return body.contains("j_security_check")
          || ((status == 302 || status == 303) && location != null && location.contains("login.html"));
    }
  }

  /** Logs in with FORM authentication on the node at {@code port}: three requests, as a browser. */
  public Answer login(int port, String user, String password) throws IOException, InterruptedException {
    Answer form = get(port, "/shop/api/state");
    if (form.status() == 302 || form.status() == 303) {
      form = get(port, "/shop/login.html"); // Jetty redirects to the login page, Tomcat forwards
    }
    if (!form.body().contains("j_security_check")) {
      throw new IllegalStateException("expected the login form, got " + form.status() + ": " + form.body());
    }
    Answer posted = send(port, "/shop/j_security_check", Map.of("j_username", user, "j_password", password));
    if (posted.status() != 303 && posted.status() != 302) {
      throw new IllegalStateException("login of " + user + " failed with status " + posted.status());
    }
    return get(port, "/shop/api/state");
  }

  /** The shop's stats page on the node at {@code port} ({@code /shop/public/stats}, no session). */
  public static Answer stats(int port) throws IOException, InterruptedException {
    return new ShopClient().get(port, "/shop/public/stats");
  }

  /** One counter of the stats page on the node at {@code port}. */
  public static int stat(int port, String field) throws IOException, InterruptedException {
    return Integer.parseInt(stats(port).get(field));
  }

  public Answer get(int port, String path) throws IOException, InterruptedException {
    return exchange(request(port, path).GET().build());
  }

  public Answer post(int port, String path, Map<String, String> form) throws IOException, InterruptedException {
    return send(port, path, form);
  }

  private Answer send(int port, String path, Map<String, String> form) throws IOException, InterruptedException {
    StringJoiner body = new StringJoiner("&");
    form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return exchange(request(port, path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
  }

  private HttpRequest.Builder request(int port, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    StringBuilder cookies = new StringBuilder();
    if (sessionId != null) {
      cookies.append("JSESSIONID=").append(sessionId);
    }
    if (ssoId != null) {
      cookies.append(cookies.length() > 0 ? "; " : "").append("JSESSIONIDSSO=").append(ssoId);
    }
    if (cookies.length() > 0) {
      b.header("Cookie", cookies.toString());
    }
    return b;
  }

  private Answer exchange(HttpRequest req) throws IOException, InterruptedException {
    HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    for (String c : resp.headers().allValues("Set-Cookie")) {
      if (c.startsWith("JSESSIONID=")) {
        sessionId = c.substring("JSESSIONID=".length(), c.indexOf(';') > 0 ? c.indexOf(';') : c.length());
      } else if (c.startsWith("JSESSIONIDSSO=")) {
        ssoId = c.substring("JSESSIONIDSSO=".length(), c.indexOf(';') > 0 ? c.indexOf(';') : c.length());
      }
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Optional<String> line = resp.body().lines().filter(l -> l.startsWith("node=")).findFirst();
    // Values may hold spaces (a street): a field ends only where " key=" starts the next one.
    line.ifPresent(l -> {
      java.util.regex.Matcher m = FIELD.matcher(l);
      while (m.find()) {
        fields.put(m.group(1), m.group(2));
      }
    });
    return new Answer(resp.statusCode(), fields, resp.body(), resp.headers().firstValue("Location").orElse(null));
  }
}
