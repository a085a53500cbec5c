package dev.baton.it;

import java.io.IOException;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What a failover lost, counted the way a customer would notice it: each customer's state read on
 * a surviving node and compared with what it held before.
 *
 * @param sessions customers whose session is gone (asked to log in again)
 * @param logins customers still in a session but no longer logged in as themselves
 * @param attributes attributes (cart, billing address, payment) missing or wrong
 */
public record Losses(int sessions, int logins, int attributes) {

  /**
   * Reads every customer's state on the node at {@code port}.
   *
   * @param user the user each customer logged in as
   * @param cart the cart customer {@code i} filled
   * @param billing the billing address every customer entered, or null if none
   */
  public static Losses check(List<ShopClient> customers, IntFunction<Integer> port, String user,
      IntFunction<String> cart, String billing) throws IOException, InterruptedException {
    int sessions = 0;
    int logins = 0;
    int attributes = 0;
    for (int i = 0; i < customers.size(); i++) {
      ShopClient.Answer s = customers.get(i).get(port.apply(i), "/shop/api/state");
      if (s.status() != 200 || !s.fields().containsKey("node")) {
        sessions++;
        continue;
      }
      logins += user.equals(s.get("user")) ? 0 : 1;
      attributes += cart.apply(i).equals(s.get("cart")) ? 0 : 1;
      attributes += billing == null || billing.equals(s.get("billing")) ? 0 : 1;
      attributes += s.get("payment").endsWith(":AUTHORIZED") ? 0 : 1;
    }
    return new Losses(sessions, logins, attributes);
  }

  @Override
  public String toString() {
    return String.format("%d sessions, %d logins, %d attributes", sessions, logins, attributes);
  }
}
