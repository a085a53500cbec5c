package dev.baton.it;

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
   * Reads every customer's state on the node at {@code port}, {@link InParallel#CLIENTS} customers
   * at a time.
   *
   * @param user the user each customer logged in as
   * @param cart the cart customer {@code i} filled
   * @param billing the billing address every customer entered, or null if none
   */
  public static Losses check(List<ShopClient> customers, IntFunction<Integer> port, String user,
      IntFunction<String> cart, String billing) throws Exception {
    List<Losses> each = InParallel.map(customers, (i, c) -> {
      ShopClient.Answer s = c.get(port.apply(i), "/shop/api/state");
      if (s.status() != 200 || !s.fields().containsKey("node")) {
        return new Losses(1, 0, 0);
      }
      int attributes = cart.apply(i).equals(s.get("cart")) ? 0 : 1;
      attributes += billing == null || billing.equals(s.get("billing")) ? 0 : 1;
      attributes += s.get("payment").endsWith(":AUTHORIZED") ? 0 : 1;
      return new Losses(0, user.equals(s.get("user")) ? 0 : 1, attributes);
    });
    return new Losses(each.stream().mapToInt(Losses::sessions).sum(), each.stream().mapToInt(Losses::logins).sum(),
        each.stream().mapToInt(Losses::attributes).sum());
  }

  @Override
  public String toString() {
    return String.format("%d sessions, %d logins, %d attributes", sessions, logins, attributes);
  }
}
