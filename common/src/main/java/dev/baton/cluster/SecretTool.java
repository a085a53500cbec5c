package dev.baton.cluster;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Prints a new cluster secret (32 random bytes, base64) for the {@code secret} or
 * {@code secretFile} setting: {@code java -cp baton-tomcat-all.jar dev.baton.cluster.SecretTool >
 * baton.secret}. Give every node of the cluster the same secret and keep the file readable by the
 * container's user only.
 */
public final class SecretTool {

  private SecretTool() {}

  public static void main(String[] args) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    System.out.println(Base64.getEncoder().encodeToString(secret));
  }
}
