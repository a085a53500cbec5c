package dev.baton.it.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A one-address front for several nodes, as a TCP load balancer is: every connection goes to the
 * current target port, which a test switches (say, after killing a node). A TLS client then offers
 * the session it got from one node to another, because to the client it is the same server.
 * Loopback only.
 */
public final class TcpForwarder implements AutoCloseable {

  private final ServerSocket server;
  private volatile int target;

  public TcpForwarder(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "forwarder-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** New connections go to {@code port} from now on. */
  public void target(int port) {
    this.target = port;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // closed, or the target is down: the client sees its connection fail
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
        i.transferTo(o);
      } catch (IOException e) {
        // one side closed
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
