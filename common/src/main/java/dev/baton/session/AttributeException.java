package dev.baton.session;

/**
 * A session attribute that cannot be stored or read back. Names the attribute and the class so the
 * operator can fix the application or the allow-list; never carries the value.
 */
public class AttributeException extends IllegalArgumentException {

  private final String attribute;
  private final String className;

  public AttributeException(String attribute, String className, String message, Throwable cause) {
    super(message, cause);
    this.attribute = attribute;
    this.className = className;
  }

  /** The attribute's name. */
  public String attribute() {
    return attribute;
  }

  /** The class at fault, or null if unknown. */
  public String className() {
    return className;
  }
}
