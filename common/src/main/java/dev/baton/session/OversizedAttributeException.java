package dev.baton.session;

/** An attribute value serializes to more bytes than {@code attributeMaxBytes} allows. */
public final class OversizedAttributeException extends AttributeException {
  public OversizedAttributeException(String attribute, String className, long bytes, long maxBytes) {
    super(attribute, className, "session attribute '" + attribute + "' cannot be replicated: its " + className
        + " value serializes to " + bytes + " bytes, more than attributeMaxBytes (" + maxBytes + "); keep large"
        + " data out of the session (store it elsewhere, keyed by the session) or raise attributeMaxBytes", null);
  }
}
