package dev.baton.state;

/**
 * An entry as it travels between nodes: a detached copy of a {@link StateEntry}.
 *
 * @param value null for a delete (tombstone)
 */
public record EntryCopy(byte[] key, byte[] value, long version, int origin, long createdMillis,
    long lastAccessMillis, long maxIdleMillis) implements StateEntry {

  @Override
  public String toString() {
    return "EntryCopy[keyBytes=" + key.length + ", version=" + version + ", origin=" + origin
        + (value == null ? ", tombstone" : ", valueBytes=" + value.length) + "]";
  }
}
