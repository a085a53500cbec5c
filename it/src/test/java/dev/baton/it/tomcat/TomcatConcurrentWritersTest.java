package dev.baton.it.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.it.ClusterViews;
import dev.baton.it.ServerNode;
import dev.baton.it.ShopClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real Tomcat nodes with the sample server.xml (sync, replicated). Each logged-in customer
 * sets the billing address again and again on node1 while, at the same time, starting payments on
 * node2: different attributes of one session, written on two nodes at once, as a single-page
 * application behind a round-robin balancer does. Afterwards node3 must show, for every customer,
 * the last billing address and the last payment that were acknowledged (a 200 response).
 */
class TomcatConcurrentWritersTest {

  private static final int CUSTOMERS = 20;
  private static final int UPDATES = 40;
  private final List<ServerNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServerNode n : nodes) {
      n.close();
    }
  }

  @Test
  void everyAcknowledgedChangeOfEitherNodeIsOnTheThird() throws Exception {
    int port = 23000 + (int) (ProcessHandle.current().pid() % 1000) * 4;
    TomcatDistribution dist = new TomcatDistribution(Path.of("target", "runs", "concurrent-" + port), 41000 + port % 5000);
    for (int i = 1; i <= 3; i++) {
      nodes.add(dist.start("node" + i, port + i, TomcatDistribution.sampleServerXml()));
    }
    for (ServerNode n : nodes) {
      n.awaitStarted(120, TimeUnit.SECONDS);
    }
    for (ServerNode n : nodes) {
      ClusterViews.awaitMembers(n.httpPort(), 3);
    }
    int node1 = nodes.get(0).httpPort();
    int node2 = nodes.get(1).httpPort();
    int node3 = nodes.get(2).httpPort();
    List<ShopClient> customers = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c++) {
      ShopClient client = new ShopClient();
      client.login(node1, "alice", "alice-secret");
      customers.add(client);
    }

    String[] lastBilling = new String[CUSTOMERS];
    String[] lastPayment = new String[CUSTOMERS];
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < CUSTOMERS; c++) {
        int customer = c;
        ShopClient client = customers.get(c);
        work.add(pool.submit(() -> {
          for (int i = 0; i < UPDATES; i++) {
            String name = "Customer" + customer + "-" + i;
            ShopClient.Answer a = client.post(node1, "/shop/api/billing", Map.of("name", name, "street", "1 Main St", "city", "Lyon"));
            assertThat(a.status()).isEqualTo(200);
            lastBilling[customer] = name + ",1 Main St,Lyon";
          }
          return null;
        }));
        work.add(pool.submit(() -> {
          for (int i = 0; i < UPDATES; i++) {
            ShopClient.Answer a = client.post(node2, "/shop/api/pay", Map.of());
            assertThat(a.status()).isEqualTo(200);
            lastPayment[customer] = a.get("payment");
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lost = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c++) {
      ShopClient.Answer onThree = customers.get(c).get(node3, "/shop/api/state");
      assertThat(onThree.get("user")).isEqualTo("alice");
      if (!onThree.get("billing").equals(lastBilling[c])) {
        lost.add("customer " + c + " billing " + onThree.get("billing") + " instead of " + lastBilling[c]);
      }
      if (!onThree.get("payment").equals(lastPayment[c])) {
        lost.add("customer " + c + " payment " + onThree.get("payment") + " instead of " + lastPayment[c]);
      }
    }
    assertThat(lost).as("acknowledged changes missing on node3").isEmpty();
  }
}
