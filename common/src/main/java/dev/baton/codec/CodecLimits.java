package dev.baton.codec;

/**
 * Upper bounds a decoder enforces before it allocates. The defaults fit any sane session; an
 * operator can lower them.
 *
 * @param maxAttributes attributes per session
 * @param maxAttributeBytes serialized bytes of one attribute value
 * @param maxDecompressedBytes bytes a compressed value may expand to
 */
public record CodecLimits(int maxAttributes, int maxAttributeBytes, int maxDecompressedBytes) {

  /** 4096 attributes, 16 MiB per attribute, 64 MiB decompressed. */
  public static final CodecLimits DEFAULT = new CodecLimits(4096, 16 << 20, 64 << 20);

  /** Longest id, name or similar short string, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 4096;

  public CodecLimits {
    if (maxAttributes < 0 || maxAttributeBytes < 0 || maxDecompressedBytes < 0) {
      throw new IllegalArgumentException("codec limits must not be negative");
    }
  }
}
