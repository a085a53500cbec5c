package dev.baton.tls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The few libssl 3 / libcrypto 3 functions Baton calls, bound once through FFM. The libraries are
 * the ones the container already loaded (the same sonames), so the {@code SSL_CTX} pointers it hands
 * us are valid here.
 */
final class Libssl {

  static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup SSL = SymbolLookup.libraryLookup("libssl.so.3", Arena.global());
  private static final SymbolLookup CRYPTO = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());

  static final MethodHandle SSL_CTX_SET_TICKET_KEY_EVP_CB = ssl("SSL_CTX_set_tlsext_ticket_key_evp_cb",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle SSL_CTX_CTRL = ssl("SSL_CTX_ctrl", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
  static final int SSL_CTRL_SET_SESS_CACHE_MODE = 44;
  static final long SSL_SESS_CACHE_SERVER = 0x2;
  static final long SSL_SESS_CACHE_NO_INTERNAL = 0x300;
  static final MethodHandle SSL_CTX_SESS_SET_NEW_CB = ssl("SSL_CTX_sess_set_new_cb", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
  static final MethodHandle SSL_CTX_SESS_SET_GET_CB = ssl("SSL_CTX_sess_set_get_cb", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
  static final MethodHandle SSL_CTX_SESS_SET_REMOVE_CB = ssl("SSL_CTX_sess_set_remove_cb", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
  static final MethodHandle I2D_SSL_SESSION = ssl("i2d_SSL_SESSION", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle D2I_SSL_SESSION = ssl("d2i_SSL_SESSION", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
  static final MethodHandle SSL_SESSION_GET_ID = ssl("SSL_SESSION_get_id", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle SSL_SESSION_GET_TIMEOUT = ssl("SSL_SESSION_get_timeout", FunctionDescriptor.of(JAVA_LONG, ADDRESS));

  static final MethodHandle RAND_BYTES = crypto("RAND_bytes", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle EVP_AES_256_CBC = crypto("EVP_aes_256_cbc", FunctionDescriptor.of(ADDRESS));
  static final MethodHandle EVP_ENCRYPT_INIT_EX = crypto("EVP_EncryptInit_ex",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle EVP_DECRYPT_INIT_EX = crypto("EVP_DecryptInit_ex",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle EVP_MAC_CTX_SET_PARAMS = crypto("EVP_MAC_CTX_set_params",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  private Libssl() {}

  private static MethodHandle ssl(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(SSL.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libssl.so.3 has no " + name)), d);
  }

  private static MethodHandle crypto(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(CRYPTO.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libcrypto.so.3 has no " + name)), d);
  }

  /**
   * A native function pointer, valid as long as the JVM lives, that calls the method {@code name} of
   * {@code target}, found with the owner's {@code lookup} (the callbacks are private).
   */
  static MemorySegment upcall(MethodHandles.Lookup lookup, Object target, String name, FunctionDescriptor d) {
    try {
      MethodHandle h = lookup.findVirtual(target.getClass(), name, d.toMethodType()).bindTo(target);
      return LINKER.upcallStub(h, d, Arena.global());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
