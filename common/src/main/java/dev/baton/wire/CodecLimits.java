package dev.baton.wire;

/**
 * Upper bounds a decoder enforces before it allocates. The defaults fit any sane session; an
 * operator can lower them.
 *
 * @param maxAttributes attributes per session
 * @param maxAttributeBytes serialized bytes of one attribute value
 * @param maxValueBytes bytes of one cache value (a whole session record) or one delta
 */
public record CodecLimits(int maxAttributes, int maxAttributeBytes, int maxValueBytes) {

  /** 4096 attributes, 16 MiB per attribute, 64 MiB per value. */
  public static final CodecLimits DEFAULT = new CodecLimits(4096, 16 << 20, 64 << 20);

  /** Longest id, name or similar short string, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 4096;

  public CodecLimits {
    if (maxAttributes < 0 || maxAttributeBytes < 0 || maxValueBytes < 0) {
      throw new IllegalArgumentException("codec limits must not be negative");
    }
  }
}
