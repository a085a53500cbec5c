package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.hash.BuzHash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MembershipTest {

  private static Address member(String name, char role) {
    return ExtendedUUID.randomUUID(name)
        .put(Membership.NAME, name.getBytes(StandardCharsets.UTF_8))
        .put(Membership.ROLE, new byte[] {(byte) role});
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void ownsAnswersAsTheOwnersListDoes(Topology topology) {
    List<Address> members = List.of(member("a", 'E'), member("b", 'R'), member("c", 'E'), member("d", 'R'));
    Membership m = new Membership(View.create(members.get(0), 7, members.toArray(new Address[0])), topology, 2,
        BuzHash.withSeed("membership"));
    Address stranger = member("e", 'R');
    for (long h = -500; h < 500; h++) {
      long keyHash = BuzHash.mix(h);
      List<Address> owners = m.owners(keyHash);
      for (Address a : List.of(members.get(0), members.get(1), members.get(2), members.get(3), stranger)) {
        assertThat(m.owns(a, keyHash)).as("%s for %s", a, topology).isEqualTo(owners.contains(a));
      }
    }
  }
}
