package dev.baton.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * The drop-in jars' command line for the cluster secret ({@code java -jar baton-tomcat-<version>-all.jar}):
 * <pre>
 * keygen FILE        writes FILE with a new secret, readable by its owner only (refuses to overwrite)
 * keygen --add FILE      adds a new secret at the end of FILE: every node given the file opens
 *                        with it, the first one still seals
 * keygen --promote FILE  makes the last secret the first: nodes given the file seal with it
 * keygen --retire FILE   keeps only the first secret
 * </pre>
 * (the three steps of rolling a new secret through a serving cluster, docs/security.md).
 * Exit codes: 0 done, 1 the file could not be written, 2 wrong arguments.
 */
public final class SecretTool {

  private SecretTool() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 2 && args[0].equals("keygen") && !args[1].startsWith("-")) {
        SecretFile.create(Path.of(args[1]));
        out.println("wrote a new cluster secret to " + args[1] + " (owner only); give every node the same file");
        return 0;
      }
      if (args.length == 3 && args[0].equals("keygen")) {
        Path file = Path.of(args[2]);
        switch (args[1]) {
          case "--add" -> SecretFile.add(file);
          case "--promote" -> SecretFile.promote(file);
          case "--retire" -> SecretFile.retire(file);
          default -> {
            return usage(err);
          }
        }
        out.println(args[1].substring(2) + ": " + args[2] + " now holds " + SecretFile.read(file).size()
            + " secret(s); give every node the file and restart them one by one (docs/security.md)");
        return 0;
      }
    } catch (FileAlreadyExistsException e) {
      err.println(args[1] + " exists: a new secret would lock its cluster out; remove it first, or use keygen --add");
      return 1;
    } catch (IOException | ClusterConfigException e) {
      err.println("could not write the secret: " + e.getMessage());
      return 1;
    }
    return usage(err);
  }

  private static int usage(PrintStream err) {
    err.println("usage: java -jar <baton jar> keygen FILE | keygen --add FILE | keygen --promote FILE"
        + " | keygen --retire FILE");
    return 2;
  }
}
