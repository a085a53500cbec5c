package dev.baton.it.jetty;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.SessionContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The session contract on three real Jetty nodes (non-sticky: session-cache-null). */
public class JettySessionContractTest extends SessionContract {

  /** Scavenge every second with a 1-second grace period, so a time-out shows quickly. */
  public static final Map<String, String> FAST_EXPIRY = Map.of(
      "jetty.sessionScavengeInterval.seconds", "1",
      "jetty.session.gracePeriod.seconds", "1",
      "baton.sweepInterval", "500",
      "baton.touchInterval", "200");

  private final List<ServerNode> nodes = new ArrayList<>();

  @Override
  protected int portSlot() {
    return 1;
  }

  @Override
  protected int[] startNodes(int basePort, int mcastPort) throws Exception {
    Path run = Path.of("target", "runs", "jetty-contract-" + basePort);
    JettyDistribution dist = new JettyDistribution(run, JettyDistribution.newSecret(run), mcastPort);
    for (String name : List.of("nodeA", "nodeB", "nodeC")) {
      nodes.add(dist.start(name, basePort + nodes.size(), "session-cache-null", FAST_EXPIRY));
    }
    for (ServerNode n : nodes) {
      n.awaitStarted(120, TimeUnit.SECONDS);
    }
    for (ServerNode n : nodes) {
      ClusterViews.awaitMembers(n.httpPort(), 3);
    }
    return new int[] {basePort, basePort + 1, basePort + 2};
  }

  /** Jetty's NullSessionCache: see {@link SessionContract#timeOutListenerCalls()}. */
  @Override
  protected int timeOutListenerCalls() {
    return 0;
  }

  @Override
  protected void stopNodes() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }
}
