package dev.baton.session;

/**
 * An attribute's bytes could not be turned back into an object for a reason other than the
 * allow-list: corrupt data, a class missing from the web application, an incompatible class
 * version, or a filter limit (depth, references, array size) exceeded.
 */
public final class UnreadableAttributeException extends AttributeException {
  public UnreadableAttributeException(String attribute, String className, Throwable cause) {
    super(attribute, className, "session attribute '" + attribute + "' could not be read"
        + (className == null ? "" : " (class " + className + ")") + ": " + cause, cause);
  }
}
