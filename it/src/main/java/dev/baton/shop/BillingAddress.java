package dev.baton.shop;

import java.io.Serializable;

/** Billing address entered at checkout. */
public record BillingAddress(String name, String street, String city) implements Serializable {}
