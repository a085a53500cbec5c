package dev.baton.it.mixed;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.SessionContract;
import dev.baton.it.jetty.JettyDistribution;
import dev.baton.it.jetty.JettySessionContractTest;
import dev.baton.it.tomcat.TomcatDistribution;
import dev.baton.it.tomcat.TomcatSessionContractTest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The session contract on a mixed cluster: Tomcat, Jetty, Tomcat. */
class MixedSessionContractTest extends SessionContract {

  private ServerNode a;
  private ServerNode b;
  private ServerNode c;

  @Override
  protected int portSlot() {
    return 2;
  }

  @Override
  protected int[] startNodes(int basePort, int mcastPort) throws Exception {
    Path run = Path.of("target", "runs", "mixed-contract-" + basePort);
    TomcatDistribution tomcats = new TomcatDistribution(run.resolve("tomcat"), mcastPort);
    Path serverXml = TomcatSessionContractTest.fastExpiryServerXml(run);
    JettyDistribution jetties = new JettyDistribution(run.resolve("jetty"), tomcats.secret(), mcastPort);
    a = tomcats.start("tomcatA", basePort, serverXml);
    b = jetties.start("jettyB", basePort + 1, "session-cache-null", JettySessionContractTest.FAST_EXPIRY);
    c = tomcats.start("tomcatC", basePort + 2, serverXml);
    a.awaitStarted(120, TimeUnit.SECONDS);
    b.awaitStarted(120, TimeUnit.SECONDS);
    c.awaitStarted(120, TimeUnit.SECONDS);
    for (ServerNode n : List.of(a, b, c)) {
      ClusterViews.awaitMembers(n.httpPort(), 3);
    }
    return new int[] {basePort, basePort + 1, basePort + 2};
  }

  @Override
  protected void stopNodes() throws Exception {
    for (AutoCloseable n : new AutoCloseable[] {a, b, c}) {
      if (n != null) {
        n.close();
      }
    }
  }
}
