package dev.baton.bench;

import java.util.Arrays;

/** The usual way to key a ConcurrentHashMap by bytes: a wrapper with a cached hash. */
final class ByteKey {
  final byte[] bytes;
  private final int hash;

  ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
  }
}
