package dev.baton.shop;

import java.io.Serializable;

/** A payment in progress: its transaction id and step, advanced in place. */
public class Payment implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String transactionId;
  private volatile String step;

  public Payment(String transactionId) {
    this.transactionId = transactionId;
    this.step = "AUTHORIZED";
  }

  public String transactionId() {
    return transactionId;
  }

  public String step() {
    return step;
  }

  public void capture() {
    step = "CAPTURED";
  }
}
