package dev.baton.jetty;

import dev.baton.cluster.Write;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sync mode on Jetty without holding the session's lock while the cluster acknowledges: a
 * server-level handler (the {@code session-store-baton} module inserts it) whose stream wrapper
 * waits for the acknowledgements of the session stored at response commit, just before the
 * response's first bytes are sent.
 *
 * <p>Jetty stores a session at response commit (with {@code flushOnResponseCommit}, which the module
 * turns on) under the session's lock, on the thread that sends the response, and then hands the
 * response to the next stream inwards: this wrapper, added before any context's session handler
 * wraps the stream, is that next one. {@link BatonSessionDataStore#doStore} leaves its write here
 * instead of waiting for it, so concurrent requests of one session no longer queue behind each
 * other's acknowledgements, and still no client sees a response before its session change is on
 * every owner. A store outside that path (at release, after the response) is not waited for: no
 * client has been told anything yet that depends on it.
 */
public class AckBeforeResponse extends Handler.Wrapper {

  private static final ThreadLocal<Write> PENDING = new ThreadLocal<>();
  private static volatile boolean installed;

  @Override
  protected void doStart() throws Exception {
    installed = true;
    super.doStart();
  }

  /**
   * Takes a started sync write to wait for before this thread sends a response; false if no
   * handler is installed, and the caller must wait itself.
   */
  static boolean defer(Write write) {
    if (!installed) {
      return false;
    }
    PENDING.set(write);
    return true;
  }

  private static void awaitPending() {
    Write w = PENDING.get();
    if (w != null) {
      PENDING.remove();
      w.awaitReplicated();
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    // A write left by a store that no commit on this thread followed (a store after the response,
    // on release) is not this request's: neither waited for nor kept.
    PENDING.remove();
    request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
      @Override
      public void send(MetaData.Request req, MetaData.Response res, boolean last, ByteBuffer content, Callback cb) {
        if (res != null) { // the commit: the session was stored just now, on this thread
          awaitPending();
        }
        super.send(req, res, last, content, cb);
      }
    });
    return super.handle(request, response, callback);
  }
}
