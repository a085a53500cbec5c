package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import org.jgroups.BytesMessage;
import org.jgroups.protocols.AUTH;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;

class SecretTokenTest {

  private static final byte[] KEY = new byte[32];
  private final UUID joiner = UUID.randomUUID();

  /** The token as it arrives at the coordinator: written by {@code sender}'s stack, read back keyless. */
  private SecretToken sentBy(byte[] key, UUID sender) throws Exception {
    AUTH auth = new AUTH();
    auth.setAddress(sender);
    SecretToken token = new SecretToken(key);
    token.setAuth(auth);
    byte[] wire = Util.streamableToByteBuffer(token);
    SecretToken received = new SecretToken();
    received.readFrom(new DataInputStream(new ByteArrayInputStream(wire)));
    return received;
  }

  @Test
  void aTokenFromTheAddressThatMadeItIsAccepted() throws Exception {
    SecretToken checker = new SecretToken(KEY);
    assertThat(checker.authenticate(sentBy(KEY, joiner), new BytesMessage().setSrc(joiner))).isTrue();
  }

  @Test
  void aCapturedTokenIsUselessFromAnotherAddress() throws Exception {
    SecretToken checker = new SecretToken(KEY);
    assertThat(checker.authenticate(sentBy(KEY, joiner), new BytesMessage().setSrc(UUID.randomUUID()))).isFalse();
  }

  @Test
  void aTokenMadeWithAnotherSecretIsRefused() throws Exception {
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(new SecretToken(KEY).authenticate(sentBy(other, joiner), new BytesMessage().setSrc(joiner))).isFalse();
  }

  @Test
  void aKeylessTokenChecksNothing() throws Exception {
    assertThat(new SecretToken().authenticate(sentBy(KEY, joiner), new BytesMessage().setSrc(joiner))).isFalse();
  }
}
