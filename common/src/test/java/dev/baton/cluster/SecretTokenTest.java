package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.protocols.AUTH;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;

class SecretTokenTest {

  private static final byte[] KEY = new byte[32];
  private static final byte[] OTHER = key(1);
  private final Address joiner = member("joiner", 'E');

  private static byte[] key(int b) {
    byte[] k = new byte[32];
    k[0] = (byte) b;
    return k;
  }

  private static Address member(String name, char role) {
    return ExtendedUUID.randomUUID(name).put(Membership.NAME, name.getBytes(StandardCharsets.UTF_8))
        .put(Membership.ROLE, new byte[] {(byte) role});
  }

  /** The token as it arrives at the coordinator: written by {@code sender}'s stack, read back keyless. */
  private static SecretToken sentBy(List<byte[]> keys, String cluster, Address sender) throws Exception {
    AUTH auth = new AUTH();
    auth.setAddress(sender);
    SecretToken token = new SecretToken(keys, cluster);
    token.setAuth(auth);
    byte[] wire = Util.streamableToByteBuffer(token);
    SecretToken received = new SecretToken();
    received.readFrom(new DataInputStream(new ByteArrayInputStream(wire)));
    return received;
  }

  private static boolean accepted(SecretToken checker, SecretToken token, Address src) {
    return checker.authenticate(token, new BytesMessage().setSrc(src));
  }

  @Test
  void aTokenFromTheAddressThatMadeItIsAcceptedOnce() throws Exception {
    SecretToken checker = new SecretToken(List.of(KEY), "shop");
    SecretToken token = sentBy(List.of(KEY), "shop", joiner);
    assertThat(accepted(checker, token, joiner)).isTrue();
    assertThat(accepted(checker, token, joiner)).as("the same token again: a replayed join request").isFalse();
    assertThat(accepted(checker, sentBy(List.of(KEY), "shop", joiner), joiner)).as("a new token").isTrue();
  }

  @Test
  void aCapturedTokenIsUselessFromAnotherAddressOrRole() throws Exception {
    SecretToken checker = new SecretToken(List.of(KEY), "shop");
    assertThat(accepted(checker, sentBy(List.of(KEY), "shop", joiner), member("other", 'E'))).isFalse();
    ExtendedUUID asRepository = new ExtendedUUID(((ExtendedUUID) joiner).getMostSignificantBits(),
        ((ExtendedUUID) joiner).getLeastSignificantBits()).put(Membership.ROLE, new byte[] {'R'});
    assertThat(accepted(checker, sentBy(List.of(KEY), "shop", joiner), asRepository))
        .as("made as an edge, presented as a repository").isFalse();
  }

  @Test
  void aTokenOfAnotherClusterOrSecretIsRefused() throws Exception {
    SecretToken checker = new SecretToken(List.of(KEY), "shop");
    assertThat(accepted(checker, sentBy(List.of(KEY), "other-cluster", joiner), joiner)).isFalse();
    assertThat(accepted(checker, sentBy(List.of(OTHER), "shop", joiner), joiner)).isFalse();
  }

  @Test
  void whileASecretIsRolledThroughTheClusterEitherIsAccepted() throws Exception {
    SecretToken checker = new SecretToken(List.of(KEY, OTHER), "shop");
    assertThat(accepted(checker, sentBy(List.of(KEY), "shop", joiner), joiner)).isTrue();
    assertThat(accepted(checker, sentBy(List.of(OTHER, KEY), "shop", joiner), joiner)).isTrue();
  }

  @Test
  void aKeylessTokenChecksNothing() throws Exception {
    assertThat(accepted(new SecretToken(), sentBy(List.of(KEY), "shop", joiner), joiner)).isFalse();
  }
}
