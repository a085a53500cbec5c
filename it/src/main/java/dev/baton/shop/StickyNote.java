package dev.baton.shop;

import java.io.Serializable;

/**
 * A note the customer pins to the session. It says it is {@code Serializable} (Tomcat accepts only
 * such attributes in a distributable application) but holds a field that is not, so serializing it
 * fails: it can live only on the node that made it, and tests check that no node drops it.
 */
public final class StickyNote implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String text;
  @SuppressWarnings("serial") // deliberately not serializable
  private final Object pin = new Object();

  public StickyNote(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
