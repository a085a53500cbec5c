package dev.baton.cluster;

/** A setting that is missing, malformed or inconsistent; the message names it and the fix. */
public final class ClusterConfigException extends IllegalArgumentException {

  private final String setting;

  public ClusterConfigException(String setting, String problem, String fix) {
    super("Baton setting '" + setting + "': " + problem + (fix == null ? "" : ". Fix: " + fix));
    this.setting = setting;
  }

  /** The name of the offending setting. */
  public String setting() {
    return setting;
  }
}
