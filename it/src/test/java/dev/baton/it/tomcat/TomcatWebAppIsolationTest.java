package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On the real Tomcat distribution, configured as the sample server.xml: another web application of
 * the same Tomcat names the cluster and asks Baton for its node, as any code in a JSP can, and is
 * refused; the shop beside it keeps working.
 */
class TomcatWebAppIsolationTest {

  /** What a curious application does: it sees Baton's classes (they are in Tomcat's lib/) and asks. */
  private static final String GRAB_JSP = """
      <%@ page contentType="text/plain" import="dev.baton.cluster.*,java.util.Map" %><%
        try {
          ClusterNode node = ClusterNodes.acquire(ClusterSettings.from(Map.of("clusterName", "baton-shop",
              "nodeName", request.getParameter("node"), "encryption", "none")));
          out.print("granted " + node.memberNames());
          ClusterNodes.release(node);
        } catch (SecurityException e) {
          out.print("refused: " + e.getMessage());
        }
      %>""";

  @Test
  void anotherWebApplicationCannotObtainTheClusterNode() throws Exception {
    int port = 38000 + (int) (ProcessHandle.current().pid() % 1000) * 2;
    Path run = Path.of("target", "runs", "webapp-isolation-" + port);
    Path curious = Files.createDirectories(run.resolve("curious-app"));
    Files.writeString(curious.resolve("grab.jsp"), GRAB_JSP);
    TomcatDistribution dist = new TomcatDistribution(run, 43000 + port % 5000).alsoDeploy("curious", curious);
    try (ServerNode node = dist.start("node1", port + 1, TomcatDistribution.sampleServerXml())) {
      node.awaitStarted(120, TimeUnit.SECONDS);
      int http = node.httpPort();
      ShopClient customer = new ShopClient();
      customer.login(http, "bob", "bob-secret");

      HttpResponse<String> grab = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http + "/curious/grab.jsp?node=node1")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(grab.statusCode()).as(grab.body()).isEqualTo(200);
      assertThat(grab.body()).startsWith("refused: ").contains("webAppAccess=on").doesNotContain("granted");
      customer.post(http, "/shop/api/cart", Map.of("item", "tea"));
      assertThat(customer.get(http, "/shop/api/state").get("user")).isEqualTo("bob");
    }
  }
}
