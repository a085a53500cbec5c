package dev.baton.tls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Installs the cluster's ticket keys into an OpenSSL {@code SSL_CTX} (libssl 3) through FFM (Java
 * 22+; the JVM needs {@code --enable-native-access=ALL-UNNAMED}). It registers OpenSSL's ticket key
 * callback ({@code SSL_CTX_set_tlsext_ticket_key_evp_cb}): the current key of the ring encrypts new
 * tickets (AES-256-CBC with HMAC-SHA256, RFC 5077), any key that still decrypts opens one, and a
 * ticket under an older key is renewed. Unknown names get a full handshake.
 *
 * <p>The key material lives in Java arrays and is copied to native memory only for the duration of
 * one callback, then wiped.
 */
public final class OpenSslTicketKeys implements TicketKeyInstaller {

  private static final FunctionDescriptor CALLBACK =
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
  private static final long PARAM_BYTES = 40; // sizeof(OSSL_PARAM) on LP64
  private static final int OSSL_PARAM_UTF8_STRING = 4;
  private static final int OSSL_PARAM_OCTET_STRING = 5;

  /** What the callback uses: swapped whole on every install, read without locks. */
  private record Keys(TicketKey current, List<TicketKey> decrypting) {}

  private final long sslCtx;
  private volatile Keys keys = new Keys(null, List.of());

  private OpenSslTicketKeys(long sslCtx) {
    this.sslCtx = sslCtx;
  }

  /**
   * An installer for the {@code SSL_CTX} at {@code sslCtxAddress}; registers the ticket callback.
   *
   * @throws IllegalStateException if libssl refuses the callback
   */
  public static OpenSslTicketKeys of(long sslCtxAddress) {
    OpenSslTicketKeys k = new OpenSslTicketKeys(sslCtxAddress);
    MemorySegment stub = Libssl.upcall(MethodHandles.lookup(), k, "callback", CALLBACK);
    int ok;
    try {
      ok = (int) Libssl.SSL_CTX_SET_TICKET_KEY_EVP_CB.invokeExact(MemorySegment.ofAddress(sslCtxAddress), stub);
    } catch (Throwable t) {
      throw new IllegalStateException("SSL_CTX_set_tlsext_ticket_key_evp_cb failed: " + t, t);
    }
    if (ok != 1) {
      throw new IllegalStateException("libssl refused the ticket key callback (" + ok + ")");
    }
    return k;
  }

  @Override
  public void install(TicketKeyRing ring, long now) {
    keys = new Keys(ring.current(now), ring.decrypting(now));
  }

  /**
   * OpenSSL's ticket key callback. Encrypting: name the current key, make an IV, set up the cipher
   * and the MAC, return 1. Decrypting: find the key by name (0: none, full handshake), set up, return
   * 1, or 2 to have OpenSSL renew a ticket made under an older key. Never throws into native code.
   */
  @SuppressWarnings("unused") // called from native code
  private int callback(MemorySegment ssl, MemorySegment keyName, MemorySegment iv, MemorySegment cipherCtx,
      MemorySegment macCtx, int enc) {
    try (Arena arena = Arena.ofConfined()) {
      Keys k = keys;
      MemorySegment name = keyName.reinterpret(TicketKey.NAME_BYTES);
      MemorySegment ivSeg = iv.reinterpret(16);
      TicketKey key;
      if (enc == 1) {
        key = k.current();
        if (key == null) {
          return 0; // no ring yet: issue no ticket rather than one no other node can open
        }
        MemorySegment.copy(key.name(), 0, name, JAVA_BYTE, 0, TicketKey.NAME_BYTES);
        if ((int) Libssl.RAND_BYTES.invokeExact(ivSeg, 16) != 1) {
          return -1;
        }
      } else {
        key = find(k, name.toArray(JAVA_BYTE));
        if (key == null) {
          return 0;
        }
      }
      MemorySegment aes = arena.allocateFrom(JAVA_BYTE, key.aesKey());
      MemorySegment hmac = arena.allocateFrom(JAVA_BYTE, key.hmacKey());
      try {
        if ((int) Libssl.EVP_MAC_CTX_SET_PARAMS.invokeExact(macCtx, macParams(arena, hmac)) != 1) {
          return -1;
        }
        MemorySegment cipher = (MemorySegment) Libssl.EVP_AES_256_CBC.invokeExact();
        int ok = enc == 1
            ? (int) Libssl.EVP_ENCRYPT_INIT_EX.invokeExact(cipherCtx, cipher, MemorySegment.NULL, aes, ivSeg)
            : (int) Libssl.EVP_DECRYPT_INIT_EX.invokeExact(cipherCtx, cipher, MemorySegment.NULL, aes, ivSeg);
        if (ok != 1) {
          return -1;
        }
      } finally {
        aes.fill((byte) 0);
        hmac.fill((byte) 0);
      }
      return enc == 1 || key == k.current() ? 1 : 2;
    } catch (Throwable t) {
      return -1;
    }
  }

  private static TicketKey find(Keys k, byte[] name) {
    for (TicketKey key : k.decrypting()) {
      if (key.hasName(name)) {
        return key;
      }
    }
    return null;
  }

  /** {@code OSSL_PARAM[] { key = hmac (octets), digest = "SHA256" (UTF-8), end }}. */
  private static MemorySegment macParams(Arena arena, MemorySegment hmac) {
    MemorySegment params = arena.allocate(PARAM_BYTES * 3, 8);
    MemorySegment digest = arena.allocateFrom("SHA256");
    param(params, 0, arena.allocateFrom("key"), OSSL_PARAM_OCTET_STRING, hmac, TicketKey.HMAC_BYTES);
    param(params, 1, arena.allocateFrom("digest"), OSSL_PARAM_UTF8_STRING, digest, 6);
    return params;
  }

  private static void param(MemorySegment params, int i, MemorySegment key, int type, MemorySegment data, long size) {
    long at = i * PARAM_BYTES;
    params.set(ADDRESS, at, key);
    params.set(JAVA_INT, at + 8, type);
    params.set(ADDRESS, at + 16, data);
    params.set(JAVA_LONG, at + 24, size);
    params.set(JAVA_LONG, at + 32, -1L); // OSSL_PARAM_UNMODIFIED
  }

  @Override
  public String toString() {
    return "OpenSSL ticket key callback on SSL_CTX 0x" + Long.toHexString(sslCtx);
  }
}
