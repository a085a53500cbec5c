package dev.baton.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

class CompressorTest {

  private final Compressor compressor = new Compressor(1024, 1 << 20);

  private static byte[] message(int size) {
    WireWriter w = WireWriter.message(WireFormat.TYPE_SESSION_RECORD, size);
    for (int i = 0; w.size() < size; i++) {
      w.writeString("item-" + (i % 50) + ";");
    }
    return w.toByteArray();
  }

  @Test
  void largeCompressibleValuesShrinkAndComeBack() throws Exception {
    byte[] v = message(20_000);
    byte[] c = compressor.compress(v);
    assertThat(c.length).isLessThan(v.length / 4);
    assertThat(c[3]).isEqualTo((byte) WireFormat.TYPE_COMPRESSED);
    assertThat(compressor.decompress(c)).isEqualTo(v);
  }

  @Test
  void smallAndIncompressibleValuesPassThrough() throws Exception {
    byte[] small = message(500);
    assertThat(compressor.compress(small)).isSameAs(small);
    assertThat(compressor.decompress(small)).isSameAs(small);
    byte[] noise = new byte[5000];
    new Random(1).nextBytes(noise);
    noise[0] = (byte) 0xBA;
    noise[1] = 0x70;
    noise[2] = 1;
    noise[3] = 0x10;
    assertThat(compressor.compress(noise)).isSameAs(noise);
  }

  @Test
  void manyRoundTripsReuseTheStreamsCorrectly() throws Exception {
    Random rnd = new Random(5);
    for (int i = 0; i < 200; i++) {
      byte[] v = message(1024 + rnd.nextInt(30_000));
      assertThat(compressor.decompress(compressor.compress(v))).isEqualTo(v);
    }
  }

  @Test
  void aBombThatExpandsPastItsDeclaredLengthIsRejected() throws Exception {
    byte[] zeros = new byte[10 << 20];
    WireWriter w = WireWriter.message(WireFormat.TYPE_COMPRESSED, 64);
    w.writeVarInt(1000); // declares 1000 bytes, holds 10 MiB of zeros
    byte[] deflated = rawDeflate(zeros);
    w.writeRaw(deflated, 0, deflated.length);
    assertThatThrownBy(() -> compressor.decompress(w.toByteArray()))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("declared");
  }

  @Test
  void aDeclaredLengthAboveTheBoundIsRefused() {
    WireWriter w = WireWriter.message(WireFormat.TYPE_COMPRESSED, 16);
    w.writeVarInt(Integer.MAX_VALUE).writeByte(0);
    assertThatThrownBy(() -> compressor.decompress(w.toByteArray()))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("limit");
  }

  @Test
  void aShortStreamIsRejected() throws Exception {
    byte[] c = compressor.compress(message(20_000));
    byte[] cut = java.util.Arrays.copyOf(c, c.length - 10);
    assertThatThrownBy(() -> compressor.decompress(cut)).isInstanceOf(MalformedMessageException.class);
    byte[] corrupt = c.clone();
    for (int i = 10; i < corrupt.length; i += 7) {
      corrupt[i] ^= 0x5A;
    }
    assertThatThrownBy(() -> compressor.decompress(corrupt)).isInstanceOf(MalformedMessageException.class);
  }

  private static byte[] rawDeflate(byte[] in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9, true))) {
      d.write(in);
    }
    return out.toByteArray();
  }
}
