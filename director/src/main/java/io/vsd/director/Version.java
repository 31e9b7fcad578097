package io.vsd.director;

/** vsd's version, from the build. */
public final class Version {
  private Version() {}

  public static final String VALUE = readVersion();

  private static String readVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
