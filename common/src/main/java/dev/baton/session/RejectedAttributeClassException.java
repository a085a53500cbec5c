package dev.baton.session;

/**
 * An attribute's serialized form names a class the deserialization allow-list does not admit: the
 * value is refused before any of its code runs.
 */
public final class RejectedAttributeClassException extends AttributeException {
  public RejectedAttributeClassException(String attribute, String className, Throwable cause) {
    super(attribute, className, "session attribute '" + attribute + "' was not deserialized: class "
        + className + " is not in the allow-list (add a pattern such as '" + suggestion(className)
        + "' to the attributeAllowList setting if the class is yours and safe)", cause);
  }

  private static String suggestion(String className) {
    if (className == null) {
      return "com.example.**";
    }
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot) + ".*";
  }
}
