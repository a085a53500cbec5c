package dev.baton.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jgroups.Address;
import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.util.ExtendedUUID;

/**
 * A network of engines in one JVM, without JGroups: each node's {@link Transport} is a
 * {@link Member} here. Each member delivers what it receives (views and messages) in order on one
 * thread of its own, as a socket's receiver thread does, and answers pulls on a pool, as out-of-band
 * messages are. Members that join or leave change the view of everyone; {@link #partition} splits the
 * network into groups that each get their own view and hear only each other; {@link #heal} merges
 * them again with a {@link MergeView}.
 */
final class InMemoryNetwork implements AutoCloseable {

  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Engine.daemon("net-timer"));
  private final ExecutorService pool = Executors.newCachedThreadPool(Engine.daemon("net-oob"));
  private long viewId;
  private List<Set<Member>> groups = null;
  private final Set<String> falselySuspected = ConcurrentHashMap.newKeySet();

  /** Transports on this network, for {@link Engine#start}. */
  Engine.TransportFactory transports() {
    return (settings, keys, refused) -> new Member(settings);
  }

  /** Splits the members into groups by node name; each hears only its own. */
  synchronized void partition(List<Set<String>> byName) {
    List<Set<Member>> next = new ArrayList<>();
    for (Set<String> names : byName) {
      Set<Member> g = new HashSet<>();
      for (Member m : members) {
        if (names.contains(m.name)) {
          g.add(m);
        }
      }
      next.add(g);
    }
    groups = next;
    for (Set<Member> g : groups) {
      install(new ArrayList<>(g), null);
    }
  }

  /**
   * From now on {@code name} hears no sync write and is reported suspected to their writers, yet
   * stays in the view, as when a failure detector suspects a member that is only slow.
   */
  void suspectFalsely(String name) {
    falselySuspected.add(name);
  }

  /** Joins the groups again: every member gets one merge view. */
  synchronized void heal() {
    List<View> subgroups = new ArrayList<>();
    for (Set<Member> g : groups) {
      subgroups.add(viewOf(new ArrayList<>(g)));
    }
    groups = null;
    install(members, subgroups);
  }

  private boolean hear(Member from, Member to) {
    List<Set<Member>> g = groups;
    if (g == null) {
      return true;
    }
    for (Set<Member> group : g) {
      if (group.contains(from)) {
        return group.contains(to);
      }
    }
    return false;
  }

  private View viewOf(List<Member> in) {
    Address[] a = in.stream().map(m -> m.address).toArray(Address[]::new);
    return View.create(a[0], ++viewId, a);
  }

  /** Gives {@code in} a new view of themselves (a merge view if {@code subgroups} is not null). */
  private void install(List<Member> in, List<View> subgroups) {
    if (in.isEmpty()) {
      return;
    }
    List<Address> addrs = in.stream().map(m -> m.address).toList();
    View v = subgroups == null ? viewOf(in) : new MergeView(new ViewId(addrs.get(0), ++viewId), addrs, subgroups);
    for (Member m : in) {
      m.receiver.execute(() -> m.inbound.viewAccepted(v));
    }
  }

  /** Starts keeping a copy of every frame {@code name} multicasts, as a recording of the wire would. */
  List<byte[]> record(String name) {
    Member m = named(name);
    m.recording = new CopyOnWriteArrayList<>();
    return m.recording;
  }

  /** Delivers {@code frames} again, as from {@code name}: late or duplicated datagrams. */
  void replay(String name, List<byte[]> frames) {
    Member m = named(name);
    m.recording = null;
    frames.forEach(m::multicast);
  }

  private Member named(String name) {
    return members.stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    pool.shutdownNow();
  }

  /** One node's transport. */
  final class Member implements Transport {
    final String name;
    final Address address;
    private final long syncTimeoutMillis;
    final ExecutorService receiver;
    volatile Inbound inbound;
    volatile List<byte[]> recording;

    Member(ClusterSettings settings) {
      this.name = settings.nodeName();
      this.syncTimeoutMillis = settings.syncTimeout().toMillis();
      byte[] role = {(byte) (settings.role() == ClusterSettings.Role.REPOSITORY ? 'R' : 'E')};
      this.address = ExtendedUUID.randomUUID(name).put(Membership.NAME, name.getBytes(StandardCharsets.UTF_8))
          .put(Membership.ROLE, role);
      this.receiver = Executors.newSingleThreadExecutor(Engine.daemon("net-recv-" + name));
    }

    @Override
    public void connect(Inbound in) {
      this.inbound = in;
      synchronized (InMemoryNetwork.this) {
        members.add(this);
        install(members, null);
      }
    }

    @Override
    public Address self() {
      return address;
    }

    private List<Member> others() {
      List<Member> out = new ArrayList<>();
      for (Member m : members) {
        if (m != this && hear(this, m)) {
          out.add(m);
        }
      }
      return out;
    }

    private Member member(Address a) {
      for (Member m : members) {
        if (m.address.equals(a)) {
          return m;
        }
      }
      return null;
    }

    private void recorded(byte[] frame) {
      List<byte[]> r = recording;
      if (r != null) {
        r.add(frame);
      }
    }

    @Override
    public void multicast(byte[] frame) {
      recorded(frame);
      for (Member m : others()) {
        m.receiver.execute(() -> m.inbound.frame(address, frame, 0, frame.length));
      }
    }

    @Override
    public CompletableFuture<Acks> multicastAcked(byte[] frame, Collection<Address> ackFrom, boolean onlySync) {
      recorded(frame);
      Set<Address> waiting = ConcurrentHashMap.newKeySet();
      waiting.addAll(ackFrom);
      Set<Address> received = ConcurrentHashMap.newKeySet();
      CompletableFuture<Acks> done = new CompletableFuture<>();
      Acks acks = new Acks() {
        @Override
        public boolean received(Address member) {
          return received.contains(member);
        }

        @Override
        public boolean suspected(Address member) {
          Member m = member(member);
          return !members.contains(m) || falselySuspected.contains(m.name);
        }
      };
      List<Member> to = others().stream().filter(m -> !falselySuspected.contains(m.name)).toList();
      waiting.removeIf(a -> to.stream().noneMatch(m -> m.address.equals(a)));
      if (waiting.isEmpty()) {
        done.complete(acks);
      }
      for (Member m : to) {
        m.receiver.execute(() -> {
          if (m.inbound.frame(address, frame, 0, frame.length) == ACK) {
            received.add(m.address);
          }
          if (waiting.remove(m.address) && waiting.isEmpty()) {
            done.complete(acks);
          }
        });
      }
      timer.schedule(() -> done.complete(acks), syncTimeoutMillis, TimeUnit.MILLISECONDS);
      return done;
    }

    @Override
    public void unicast(Address target, byte[] frame) {
      Member m = member(target);
      if (m != null && hear(this, m)) {
        m.receiver.execute(() -> m.inbound.frame(address, frame, 0, frame.length));
      }
    }

    @Override
    public Map<Address, byte[]> ask(List<Address> targets, byte[] frame, long timeoutMillis) throws Exception {
      Map<Address, Future<byte[]>> pending = new HashMap<>();
      for (Address a : targets) {
        Member m = member(a);
        if (m != null && hear(this, m)) {
          pending.put(a, pool.submit(() -> m.inbound.frame(address, frame, 0, frame.length)));
        }
      }
      Map<Address, byte[]> replies = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      for (Map.Entry<Address, Future<byte[]>> p : pending.entrySet()) {
        try {
          byte[] r = p.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (r != null) {
            replies.put(p.getKey(), r);
          }
        } catch (TimeoutException slow) {
          // as a member that did not answer in time
        }
      }
      return replies;
    }

    /** The coordinator's call cuts the member off, as a view without it would (it may merge back on {@link #heal}). */
    @Override
    public void exclude(Address member) {
      synchronized (InMemoryNetwork.this) {
        if (groups != null || members.isEmpty() || members.get(0) != this) {
          return;
        }
        Set<String> rest = new HashSet<>();
        Set<String> alone = new HashSet<>();
        for (Member m : members) {
          (m.address.equals(member) ? alone : rest).add(m.name);
        }
        partition(List.of(rest, alone));
      }
    }

    @Override
    public int fragmentSize() {
      return 60_000;
    }

    @Override
    public long retransmissionRequests() {
      return 0;
    }

    @Override
    public void close() {
      synchronized (InMemoryNetwork.this) {
        if (members.remove(this)) {
          if (groups != null) {
            groups.forEach(g -> g.remove(this));
            for (Set<Member> g : groups) {
              install(new ArrayList<>(g), null);
            }
          } else {
            install(members, null);
          }
        }
      }
      receiver.shutdown();
    }
  }
}
