package dev.baton.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The file that holds a cluster's secrets (the {@code secretFile} setting): one base64 secret per
 * line, the one that seals first. It must be readable by its owner only, the container's user: a
 * node refuses one that others can read, and {@link SecretTool} writes it that way.
 */
final class SecretFile {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private SecretFile() {}

  /**
   * Refuses a secret file that a group or other users may read or write (on file systems with
   * POSIX permissions; a missing file is left to the reader to report).
   *
   * @throws ClusterConfigException naming the file and the fix
   */
  static void checkPrivate(Path file) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null || !Files.exists(file)) {
      return;
    }
    Set<PosixFilePermission> perms;
    try {
      perms = view.readAttributes().permissions();
    } catch (IOException e) {
      return;
    }
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new ClusterConfigException("secretFile", file + " can be read or written by other users ("
          + PosixFilePermissions.toString(perms) + ")", "chmod 600 " + file + " (the container's user only), or make"
              + " it again with 'java -jar <baton jar> keygen " + file + "'");
    }
  }

  /** A new random secret, base64: 32 bytes. */
  static String newSecret() {
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    return Base64.getEncoder().encodeToString(s);
  }

  /**
   * Writes a new file holding one new secret, readable and writable by its owner only.
   *
   * @throws FileAlreadyExistsException if the file exists
   */
  static void create(Path file) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.writeString(file, newSecret() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Adds a new secret at the end of an existing file: every node given the file opens with it, and
   * still seals with the first (the first step of a rotation, see docs/security.md).
   */
  static void add(Path file) throws IOException {
    List<String> secrets = read(file);
    secrets.add(newSecret());
    write(file, secrets);
  }

  /** Makes the last secret of the file the first: nodes given it seal with it (the second step). */
  static void promote(Path file) throws IOException {
    List<String> secrets = read(file);
    secrets.add(0, secrets.remove(secrets.size() - 1));
    write(file, secrets);
  }

  /** Keeps only the first secret of the file: nodes given it open with no other (the last step). */
  static void retire(Path file) throws IOException {
    write(file, new ArrayList<>(read(file).subList(0, 1)));
  }

  /** The secrets of a file, in order: its lines but blank and {@code #} ones. */
  static List<String> read(Path file) throws IOException {
    checkPrivate(file);
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(t);
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + " holds no secret");
    }
    return out;
  }

  private static void write(Path file, List<String> secrets) throws IOException {
    Files.write(file, secrets, StandardCharsets.US_ASCII);
  }
}
