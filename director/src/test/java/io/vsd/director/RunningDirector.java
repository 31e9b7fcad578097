package io.vsd.director;

import io.vsd.director.config.ConfigLoader;
import io.vsd.director.config.DirectorConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A director started in this JVM from a real config file, for end-to-end tests over real sockets. */
final class RunningDirector implements AutoCloseable {
  final Director director;
  final AdminClient admin;

  private RunningDirector(Director director) {
    this.director = director;
    this.admin = new AdminClient(director.adminPort());
  }

  /** Writes {@code dir}/vsd.yaml with {@code servicesYaml} (a "services:" list), state in {@code dir}/state. */
  static Path writeConfig(Path dir, String servicesYaml) throws IOException {
    Path file = dir.resolve("vsd.yaml");
    Files.writeString(file, """
        director:
          id: test
          state-dir: %s
          drain-timeout: 2s
          connect-timeout: 1s
        %s
        """.formatted(dir.resolve("state"), servicesYaml));
    return file;
  }

  static RunningDirector start(Path dir, String servicesYaml) throws Exception {
    return start(writeConfig(dir, servicesYaml));
  }

  /** Starts from {@code configFile}, with the admin API on a free loopback port. */
  static RunningDirector start(Path configFile) throws Exception {
    for (int attempt = 1; ; attempt++) {
      DirectorConfig config = ConfigLoader.load(configFile).withOverrides("127.0.0.1:" + freePort(), null, null)
          .withAuth(TestTokens.settings());
      try {
        return new RunningDirector(Director.start(config, true).await(30, TimeUnit.SECONDS));
      } catch (Exception e) {
        // The free port for the admin API may be taken between freePort() and the bind: try another, twice.
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("in use")) {
          throw e;
        }
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    director.stop();
  }
}
