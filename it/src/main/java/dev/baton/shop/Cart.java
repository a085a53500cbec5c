package dev.baton.shop;

import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The shopping cart: a class private to the web application, changed in place by the servlet. It
 * counts the swap-outs and swap-ins of the sessions that hold it on this node (for tests).
 */
public class Cart implements Serializable, HttpSessionActivationListener {
  private static final long serialVersionUID = 1L;
  private final List<String> items = new ArrayList<>();

  public synchronized void add(String item) {
    items.add(item);
  }

  public synchronized List<String> items() {
    return List.copyOf(items);
  }

  @Override
  public void sessionWillPassivate(HttpSessionEvent se) {
    SessionCounter.PASSIVATED.incrementAndGet();
  }

  @Override
  public void sessionDidActivate(HttpSessionEvent se) {
    SessionCounter.ACTIVATED.incrementAndGet();
  }
}
