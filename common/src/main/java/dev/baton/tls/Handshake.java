package dev.baton.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * One TLS handshake between two {@link SSLEngine}s in memory, no socket: what the start-up self-test
 * of {@link JdkTicketKeys} needs to prove that a ticket made by one server context resumes on
 * another.
 */
final class Handshake {

  /** Rounds after which a handshake that makes no progress is abandoned. */
  private static final int MAX_ROUNDS = 200;

  private Handshake() {}

  /**
   * Runs a handshake of a client from {@code client} (its session cache keyed by
   * {@code peerHost:1}) with a server from {@code server} and returns the server's session.
   */
  static SSLSession run(SSLContext client, SSLContext server, String protocol, String peerHost) throws SSLException {
    SSLEngine c = client.createSSLEngine(peerHost, 1);
    c.setUseClientMode(true);
    c.setEnabledProtocols(new String[] {protocol});
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    s.setEnabledProtocols(new String[] {protocol});
    int packet = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize());
    int app = Math.max(c.getSession().getApplicationBufferSize(), s.getSession().getApplicationBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(packet * 4);
    ByteBuffer toClient = ByteBuffer.allocate(packet * 4);
    ByteBuffer sink = ByteBuffer.allocate(app * 2);
    ByteBuffer empty = ByteBuffer.allocate(0);
    c.beginHandshake();
    s.beginHandshake();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      step(c, empty, toServer, toClient, sink);
      step(s, empty, toClient, toServer, sink);
      // Done only once nothing is in flight: TLS 1.3 sends the ticket after the handshake.
      if (done(c) && done(s) && toServer.position() == 0 && toClient.position() == 0) {
        return s.getSession();
      }
    }
    throw new SSLException("in-memory handshake made no progress in " + MAX_ROUNDS + " rounds");
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus h = e.getHandshakeStatus();
    return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
  }

  /** Lets {@code e} write what it has to {@code out} and read what {@code in} holds. */
  private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink) throws SSLException {
    for (int i = 0; i < 8; i++) {
      Runnable task;
      while ((task = e.getDelegatedTask()) != null) {
        task.run();
      }
      if (e.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        break;
      }
      e.wrap(empty, out);
    }
    in.flip();
    while (in.hasRemaining()) {
      int before = in.remaining();
      sink.clear();
      e.unwrap(in, sink);
      Runnable task;
      while ((task = e.getDelegatedTask()) != null) {
        task.run();
      }
      if (in.remaining() == before) {
        break;
      }
    }
    in.compact();
  }
}
