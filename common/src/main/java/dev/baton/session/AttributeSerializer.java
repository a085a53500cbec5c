package dev.baton.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.Objects;

/**
 * Serializes session attribute values with Java serialization and reads them back through an
 * {@link AllowListFilter}, resolving classes with a given class loader (the web application's, so
 * classes private to it work). Thread-safe.
 *
 * <p>Every failure names the attribute: {@link NotSerializableAttributeException} or
 * {@link OversizedAttributeException} when writing,
 * {@link RejectedAttributeClassException} or {@link UnreadableAttributeException} when reading.
 * Nothing is dropped silently.
 */
public final class AttributeSerializer {

  private final AllowListFilter filter;

  public AttributeSerializer(AllowListFilter filter) {
    this.filter = Objects.requireNonNull(filter, "filter");
  }

  /**
   * @throws NotSerializableAttributeException if the value or anything it references is not
   *     serializable
   * @throws OversizedAttributeException if it serializes to more than the filter's byte limit, which
   *     no node would read back
   */
  public byte[] serialize(String name, Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new NotSerializableAttributeException(name, e.getMessage(), e);
    } catch (IOException e) {
      throw new NotSerializableAttributeException(name, value == null ? null : value.getClass().getName(), e);
    }
    if (bytes.size() > filter.maxBytes()) {
      throw new OversizedAttributeException(name, value.getClass().getName(), bytes.size(), filter.maxBytes());
    }
    return bytes.toByteArray();
  }

  /**
   * @param loader resolves the classes named in the bytes (the web application's loader)
   * @throws RejectedAttributeClassException if the bytes name a class outside the allow-list
   * @throws UnreadableAttributeException if the bytes cannot be read for another reason
   */
  public Object deserialize(String name, byte[] bytes, ClassLoader loader) {
    AllowListFilter.Recording recording = filter.forOneRead();
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
      in.setObjectInputFilter(recording);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (recording.rejectedClass() != null) {
        throw new RejectedAttributeClassException(name, recording.rejectedClass(), e);
      }
      throw new UnreadableAttributeException(name, e.classname, e);
    } catch (ClassNotFoundException e) {
      throw new UnreadableAttributeException(name, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new UnreadableAttributeException(name, null, e);
    }
  }

  /** Resolves classes with one given loader instead of the caller's. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private static final java.util.Map<String, Class<?>> PRIMITIVES = java.util.Map.of(
        "boolean", boolean.class, "byte", byte.class, "char", char.class, "short", short.class,
        "int", int.class, "long", long.class, "float", float.class, "double", double.class,
        "void", void.class);
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        // Only primitive types (serialized Class objects such as int.class) may come from elsewhere:
        // any other class must be the web application's own view, never the server's.
        Class<?> primitive = PRIMITIVES.get(desc.getName());
        if (primitive == null) {
          throw e;
        }
        return primitive;
      }
    }

    /**
     * A serialized dynamic proxy (a web application's interface behind an invocation handler) is
     * rebuilt with the same loader: its interfaces are the application's, not Baton's or the server's.
     */
    @Override
    @SuppressWarnings("deprecation") // Proxy.getProxyClass: the one way to name a proxy class by its interfaces
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
      Class<?>[] types = new Class<?>[interfaces.length];
      for (int i = 0; i < interfaces.length; i++) {
        types[i] = Class.forName(interfaces[i], false, loader);
      }
      try {
        return java.lang.reflect.Proxy.getProxyClass(loader, types);
      } catch (IllegalArgumentException e) {
        throw new ClassNotFoundException("a proxy of " + String.join(", ", interfaces), e);
      }
    }
  }
}
