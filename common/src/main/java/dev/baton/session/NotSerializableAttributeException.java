package dev.baton.session;

/** An attribute value (or something it references) is not {@link java.io.Serializable}. */
public final class NotSerializableAttributeException extends AttributeException {
  public NotSerializableAttributeException(String attribute, String className, Throwable cause) {
    super(attribute, className, "session attribute '" + attribute + "' cannot be replicated: "
        + className + " is not java.io.Serializable (make it Serializable, mark the field transient, "
        + "or keep this value out of the session)", cause);
  }
}
