package dev.baton.shop;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The shopping cart: a class private to the web application, changed in place by the servlet. */
public class Cart implements Serializable {
  private static final long serialVersionUID = 1L;
  private final List<String> items = new ArrayList<>();

  public synchronized void add(String item) {
    items.add(item);
  }

  public synchronized List<String> items() {
    return List.copyOf(items);
  }
}
