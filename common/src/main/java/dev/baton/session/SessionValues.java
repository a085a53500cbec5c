package dev.baton.session;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;

/** What adapters need to know about attribute values, the same way in every container. */
public final class SessionValues {

  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class,
      Short.class, Byte.class, Boolean.class, Character.class, Double.class, Float.class,
      BigDecimal.class, BigInteger.class, java.time.Instant.class, java.time.LocalDate.class,
      java.time.LocalDateTime.class, java.util.UUID.class);

  private SessionValues() {}

  /**
   * True for values of types that cannot change after they were set (strings, boxed numbers, a few
   * java.time types, enums): reading them cannot hide an in-place change.
   */
  public static boolean isImmutable(Object value) {
    return value == null || IMMUTABLE.contains(value.getClass()) || value instanceof Enum<?>;
  }
}
