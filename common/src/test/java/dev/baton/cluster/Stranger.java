package dev.baton.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.Version;
import org.jgroups.View;
import org.jgroups.blocks.RequestCorrelator;
import org.jgroups.blocks.cs.Connection;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.FragHeader;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.JoinRsp;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.Util;

/**
 * Someone on the cluster's network who has no secret and never joined: builds JGroups datagrams as
 * JGroups would write them (hostile ones) and sends them to the cluster's multicast group or down a
 * TCP connection to a node, and records what the cluster multicasts, to send it again later.
 */
final class Stranger implements AutoCloseable {

  private static final short GMS_ID = ClassConfigurator.getProtocolId(GMS.class);
  private static final short FRAG_ID = ClassConfigurator.getProtocolId(FRAG2.class);
  private static final short CORR_ID = ClassConfigurator.getProtocolId(RequestCorrelator.class);

  private final InetAddress group;
  private final int port;
  private final DatagramSocket socket;
  private MulticastSocket listener;
  private final List<byte[]> heard = new CopyOnWriteArrayList<>();
  private Thread recorder;

  Stranger(String mcastAddress, int mcastPort) throws IOException {
    this.group = InetAddress.getByName(mcastAddress);
    this.port = mcastPort;
    this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
  }

  // ------------------------------------------------------------------ what it sends

  /** One JGroups datagram of {@code msg}, as a transport writes it. */
  static byte[] datagram(Message msg) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Util.writeMessage(msg, new DataOutputStream(bytes), true);
    return bytes.toByteArray();
  }

  /**
   * An object message whose payload is a Java-serialized nest of sets {@code depth} levels deep:
   * deserializing it takes time that doubles with each level (hashing the nest).
   */
  static byte[] objectMessageOfNestedSets(int depth) throws IOException {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("x");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return datagram(new ObjectMessage(null, root));
  }

  /** A bytes message that declares a payload of {@code length} bytes and carries four. */
  static byte[] bytesMessageDeclaring(int length) throws IOException {
    byte[] d = datagram(new BytesMessage(null, "ZZZZ".getBytes()));
    for (int i = 0; i + 8 <= d.length; i++) {
      if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 0 && d[i + 3] == 4 && d[i + 4] == 'Z') {
        d[i] = (byte) (length >>> 24);
        d[i + 1] = (byte) (length >>> 16);
        d[i + 2] = (byte) (length >>> 8);
        d[i + 3] = (byte) length;
        return d;
      }
    }
    throw new IllegalStateException("payload length not found");
  }

  /** A fragment of a message said to be in {@code fragments} fragments. */
  static byte[] fragmentOf(int fragments) throws IOException {
    return datagram(new BytesMessage(null, new byte[16]).putHeader(FRAG_ID, new FragHeader(1, 0, fragments)));
  }

  /** A view, as the coordinator would install it. */
  static byte[] view(View v) throws IOException {
    return datagram(new BytesMessage(null, Marshal.view(v)).setSrc(v.getCoord())
        .putHeader(GMS_ID, new GMS.GmsHeader(GMS.GmsHeader.VIEW)));
  }

  /** A request that {@code member} leaves, as it would send it. */
  static byte[] leave(Address member) throws IOException {
    return datagram(new EmptyMessage(null).setSrc(member)
        .putHeader(GMS_ID, new GMS.GmsHeader(GMS.GmsHeader.LEAVE_REQ, member)));
  }

  /** A coordinator's refusal of a join. */
  static byte[] joinRejection(Address from) throws IOException {
    return datagram(new BytesMessage(null, GMS.marshal(new JoinRsp("refused by a forgery"))).setSrc(from)
        .putHeader(GMS_ID, new GMS.GmsHeader(GMS.GmsHeader.JOIN_RSP)));
  }

  /** A reply to request {@code id}, as {@code from} would acknowledge a sync write. */
  static byte[] ack(Address from, long id) throws IOException {
    return datagram(new BytesMessage(null, new byte[0]).setSrc(from)
        .putHeader(CORR_ID, new RequestCorrelator.Header(RequestCorrelator.Header.RSP, id, CORR_ID)));
  }

  /**
   * The Baton frame a captured datagram carries, if it can be seen: JGroups' framing is in clear
   * around it unless the datagram is sealed whole. A single message's payload is its last bytes.
   */
  static byte[] visibleFrame(byte[] datagram) {
    for (int i = 0; i + 4 <= datagram.length; i++) {
      if ((datagram[i] & 0xFF) == 0xBA && (datagram[i + 1] & 0xFF) == 0x70 && datagram[i + 2] == 1
          && (datagram[i + 3] & 0xF0) >= 0x20) {
        return Arrays.copyOfRange(datagram, i, datagram.length);
      }
    }
    return null;
  }

  /** {@code frame} in a new JGroups request, from a sender nobody knows, with a fresh request id. */
  static byte[] rewrapped(byte[] frame, long requestId) throws IOException {
    return datagram(new BytesMessage(null, frame).setSrc(org.jgroups.util.UUID.randomUUID())
        .putHeader(CORR_ID, new RequestCorrelator.Header(RequestCorrelator.Header.REQ, requestId, CORR_ID)));
  }

  /** To the cluster's multicast group. */
  void multicast(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, group, port));
  }

  /**
   * Down a TCP connection to a node, as a member would open one (JGroups' cookie, version and an
   * address), then each frame with its length, or with {@code declared} instead when it is not -1.
   */
  static void tcp(int nodePort, int declared, byte[]... frames) throws Exception {
    try (Socket s = new Socket("127.0.0.1", nodePort)) {
      s.setSoTimeout(2000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      IpAddress me = new IpAddress("127.0.0.1", s.getLocalPort());
      out.write(Connection.cookie);
      out.writeShort(Version.version);
      out.writeShort(me.serializedSize());
      me.writeTo(out);
      for (byte[] f : frames) {
        out.writeInt(declared == -1 ? f.length : declared);
        out.write(f);
      }
      out.flush();
      drain(s);
    }
  }

  /** Reads until the node closes the connection or stays silent. */
  private static void drain(Socket s) throws IOException {
    try {
      while (s.getInputStream().read() >= 0) {
        // what the node answers is of no interest
      }
    } catch (SocketTimeoutException | java.net.SocketException quiet) {
      // done
    }
  }

  // ------------------------------------------------------------------ what it hears

  /** Starts recording every datagram multicast to the group. */
  void startRecording() throws IOException {
    listener = new MulticastSocket(port);
    listener.joinGroup(new InetSocketAddress(group, port), NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()));
    listener.setSoTimeout(200);
    recorder = new Thread(() -> {
      byte[] buf = new byte[65_535];
      while (!listener.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          listener.receive(p);
          heard.add(Arrays.copyOf(p.getData(), p.getLength()));
        } catch (SocketTimeoutException idle) {
          // listen on
        } catch (IOException closed) {
          return;
        }
      }
    }, "stranger-recorder");
    recorder.setDaemon(true);
    recorder.start();
  }

  /** What was recorded so far. */
  List<byte[]> heard() {
    return List.copyOf(heard);
  }

  void stopRecording() throws InterruptedException {
    listener.close();
    recorder.join(2000);
  }

  @Override
  public void close() throws Exception {
    socket.close();
    if (listener != null) {
      stopRecording();
    }
  }

  /** GMS's own marshalling of a view, reached from a subclass. */
  private static final class Marshal extends GMS {
    static byte[] view(View v) {
      org.jgroups.util.ByteArray a = marshal(v, null);
      return Arrays.copyOfRange(a.array(), a.offset(), a.offset() + a.length());
    }
  }
}
