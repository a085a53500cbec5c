package dev.baton.it.tomcat;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.SessionContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The session contract on three real Tomcat nodes that keep live sessions in memory ({@code maxIdleSwap="-1"}). */
public class TomcatSessionContractTest extends SessionContract {

  private final List<ServerNode> nodes = new ArrayList<>();

  /** The sample server.xml with expiry checked every second, so a time-out shows quickly. */
  public static Path fastExpiryServerXml(Path run) throws Exception {
    Files.createDirectories(run);
    Path serverXml = run.resolve("server-fast-expiry.xml");
    Files.writeString(serverXml, Files.readString(TomcatDistribution.sampleServerXml())
        .replace("<Engine name=\"Catalina\"", "<Engine name=\"Catalina\" backgroundProcessorDelay=\"1\"")
        .replace("secretFile=", "sweepInterval=\"500\" touchInterval=\"200\" secretFile="));
    return serverXml;
  }

  /** The server.xml the nodes run with. */
  protected Path serverXml(Path run) throws Exception {
    // Live sessions kept in memory (maxIdleSwap="-1"); the default, swapping out, runs the same
    // contract in TomcatSwapOutSessionContractTest.
    Path serverXml = run.resolve("server-live.xml");
    Files.writeString(serverXml, Files.readString(fastExpiryServerXml(run))
        .replace("secretFile=", "maxIdleSwap=\"-1\" secretFile="));
    return serverXml;
  }

  @Override
  protected int portSlot() {
    return 0;
  }

  @Override
  protected int[] startNodes(int basePort, int mcastPort) throws Exception {
    Path run = Path.of("target", "runs", "tomcat-contract-" + basePort);
    TomcatDistribution dist = new TomcatDistribution(run, mcastPort);
    Path serverXml = serverXml(run);
    for (String name : List.of("nodeA", "nodeB", "nodeC")) {
      nodes.add(dist.start(name, basePort + nodes.size(), serverXml));
    }
    for (ServerNode n : nodes) {
      n.awaitStarted(120, TimeUnit.SECONDS);
    }
    for (ServerNode n : nodes) {
      ClusterViews.awaitMembers(n.httpPort(), 3);
    }
    return new int[] {basePort, basePort + 1, basePort + 2};
  }

  @Override
  protected void stopNodes() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }
}
