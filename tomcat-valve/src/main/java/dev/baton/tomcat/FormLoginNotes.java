package dev.baton.tomcat;

import dev.baton.session.SessionStore;
import dev.baton.wire.CodecLimits;
import dev.baton.wire.MalformedMessageException;
import dev.baton.wire.WireReader;
import dev.baton.wire.WireWriter;
import jakarta.servlet.http.Cookie;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.catalina.Session;
import org.apache.catalina.authenticator.Constants;
import org.apache.catalina.authenticator.SavedRequest;
import org.apache.tomcat.util.buf.ByteChunk;

/**
 * A FORM login in progress, as Tomcat's {@code FormAuthenticator} keeps it in session notes (which
 * Tomcat never replicates): the request that asked for the login page ({@link SavedRequest}) and
 * the session id the login form is expected back with. Carried in the session's record under
 * {@link #ATTRIBUTE}, so that a login page shown by one node and a {@code j_security_check} posted
 * to another complete the login and land on the saved URL. Never the user name and password that
 * Tomcat also notes when it caches credentials: those stay on the node.
 *
 * <p>Encoded by Baton, not with Java serialization: version, expected id?, saved request?
 * (method, URI, decoded URI, query?, content type?, body?, original timeout, headers, cookies,
 * locales).
 */
final class FormLoginNotes {

  /** The record's entry for the login in progress: the adapter's own, never an application attribute. */
  static final String ATTRIBUTE = SessionStore.ADAPTER_PREFIX + "tomcat.formLogin";
  private static final int VERSION = 1;
  private static final int MAX_ITEMS = 1024;
  private static final int NO_TIMEOUT = Integer.MIN_VALUE;

  private FormLoginNotes() {}

  /** The login in progress in {@code s}'s notes, encoded; null if there is none. */
  static byte[] encode(Session s) {
    SavedRequest saved = (SavedRequest) s.getNote(Constants.FORM_REQUEST_NOTE);
    String expectedId = (String) s.getNote(Constants.SESSION_ID_NOTE);
    if (saved == null && expectedId == null) {
      return null;
    }
    WireWriter w = new WireWriter(256).writeByte(VERSION).writeNullableString(expectedId).writeBoolean(saved != null);
    if (saved != null) {
      w.writeNullableString(saved.getMethod()).writeNullableString(saved.getRequestURI())
          .writeNullableString(saved.getDecodedRequestURI()).writeNullableString(saved.getQueryString())
          .writeNullableString(saved.getContentType());
      ByteChunk body = saved.getBody();
      w.writeNullableBytes(body == null ? null
          : Arrays.copyOfRange(body.getBytes(), body.getStart(), body.getEnd()));
      Integer timeout = saved.getOriginalMaxInactiveIntervalOptional();
      w.writeInt(timeout == null ? NO_TIMEOUT : timeout);
      List<String> names = list(saved.getHeaderNames());
      w.writeVarInt(names.size());
      for (String name : names) {
        List<String> values = list(saved.getHeaderValues(name));
        w.writeString(name).writeVarInt(values.size());
        values.forEach(w::writeString);
      }
      List<Cookie> cookies = list(saved.getCookies());
      w.writeVarInt(cookies.size());
      cookies.forEach(c -> w.writeString(c.getName()).writeString(c.getValue() == null ? "" : c.getValue()));
      List<Locale> locales = list(saved.getLocales());
      w.writeVarInt(locales.size());
      locales.forEach(l -> w.writeString(l.toLanguageTag()));
    }
    return w.toByteArray();
  }

  /**
   * Sets {@code s}'s notes to the login in progress {@code bytes} describe, or removes them if
   * {@code bytes} is null.
   *
   * @throws MalformedMessageException if the bytes are not a login in progress (the notes are left as they were)
   */
  static void restore(Session s, byte[] bytes) throws MalformedMessageException {
    if (bytes == null) {
      s.removeNote(Constants.FORM_REQUEST_NOTE);
      s.removeNote(Constants.SESSION_ID_NOTE);
      return;
    }
    int max = CodecLimits.MAX_NAME_BYTES;
    WireReader in = new WireReader(bytes);
    if (in.readByte() != VERSION) {
      throw new MalformedMessageException("a FORM login in progress of another version");
    }
    String expectedId = in.readNullableString(max, "expected session id");
    SavedRequest saved = null;
    if (in.readBoolean()) {
      saved = new SavedRequest();
      saved.setMethod(in.readNullableString(max, "method"));
      saved.setRequestURI(in.readNullableString(CodecLimits.DEFAULT.maxAttributeBytes(), "request URI"));
      saved.setDecodedRequestURI(in.readNullableString(CodecLimits.DEFAULT.maxAttributeBytes(), "decoded request URI"));
      saved.setQueryString(in.readNullableString(CodecLimits.DEFAULT.maxAttributeBytes(), "query string"));
      saved.setContentType(in.readNullableString(max, "content type"));
      byte[] body = in.readNullableBytes(CodecLimits.DEFAULT.maxAttributeBytes(), "saved body");
      if (body != null) {
        ByteChunk chunk = new ByteChunk();
        chunk.setBytes(body, 0, body.length);
        saved.setBody(chunk);
      }
      int timeout = in.readInt();
      if (timeout != NO_TIMEOUT) {
        saved.setOriginalMaxInactiveInterval(timeout);
      }
      int headers = in.readLength(MAX_ITEMS, "header count");
      for (int i = 0; i < headers; i++) {
        String name = in.readString(max, "header name");
        int values = in.readLength(MAX_ITEMS, "header value count");
        for (int v = 0; v < values; v++) {
          saved.addHeader(name, in.readString(CodecLimits.DEFAULT.maxAttributeBytes(), "header value"));
        }
      }
      int cookies = in.readLength(MAX_ITEMS, "cookie count");
      for (int i = 0; i < cookies; i++) {
        saved.addCookie(new Cookie(in.readString(max, "cookie name"), in.readString(max, "cookie value")));
      }
      int locales = in.readLength(MAX_ITEMS, "locale count");
      for (int i = 0; i < locales; i++) {
        saved.addLocale(Locale.forLanguageTag(in.readString(max, "locale")));
      }
    }
    in.expectEnd();
    if (saved != null) {
      s.setNote(Constants.FORM_REQUEST_NOTE, saved);
    } else {
      s.removeNote(Constants.FORM_REQUEST_NOTE);
    }
    if (expectedId != null) {
      s.setNote(Constants.SESSION_ID_NOTE, expectedId);
    } else {
      s.removeNote(Constants.SESSION_ID_NOTE);
    }
  }

  private static <T> List<T> list(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
