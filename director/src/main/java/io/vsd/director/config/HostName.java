package io.vsd.director.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The default director id: this host's name. */
final class HostName {
  private HostName() {}

  static String local() {
    // The kernel's name first: it needs no DNS, and it is what `hostname` prints.
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException notLinux) {
      // fall through
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      // Last resort, off Linux: this may consult the resolver.
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "director";
    }
  }
}
