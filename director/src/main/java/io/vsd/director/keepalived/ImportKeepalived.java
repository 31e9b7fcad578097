package io.vsd.director.keepalived;

import io.vsd.director.config.ConfigError;
import io.vsd.director.config.ConfigException;
import io.vsd.director.config.ConfigLoader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vsadm --import-keepalived FILE} and {@code vsd import-keepalived FILE}: prints vsd's configuration for
 * a keepalived.conf on standard output, and every keyword it could not carry over on standard error
 * (docs/keepalived.md).
 */
public final class ImportKeepalived {
  private ImportKeepalived() {}

  /** Everything was carried over. */
  public static final int CONVERTED = 0;
  /** The file cannot be read or parsed: nothing was printed on standard output. */
  public static final int FAILED = 1;
  /** A usage error. */
  public static final int USAGE = 2;
  /** A configuration was printed, and some keywords were listed as not carried over. */
  public static final int PARTLY_CONVERTED = 3;

  /**
   * @param program the name errors start with: {@code vsadm} or {@code vsd}
   * @param args the file, alone
   */
  public static int run(String program, List<String> args, PrintStream out, PrintStream err) {
    if (args.size() != 1 || args.get(0).isEmpty()) {
      err.println(program + ": " + (program.equals("vsadm") ? "--import-keepalived" : "import-keepalived")
          + " takes one keepalived.conf file" + (args.size() > 1 ? ", got " + args.size() + " arguments" : ""));
      return USAGE;
    }
    String name = args.get(0);
    KeepalivedParser parser = new KeepalivedParser();
    List<KeepalivedParser.Node> tree;
    try {
      tree = parser.parse(Path.of(name), name);
    } catch (KeepalivedParser.ParseException e) {
      err.println(program + ": " + e.getMessage());
      return FAILED;
    }
    KeepalivedConverter.Result result = new KeepalivedConverter().convert(tree, parser.skipped());
    String yaml = YamlWriter.write(result, name);
    // What is printed must load in a director: checked here with the config file's own code path.
    try {
      ConfigLoader.load(Path.of(name + " (converted)"), yaml.getBytes(StandardCharsets.UTF_8));
    } catch (ConfigException e) {
      err.println(program + ": the converted configuration does not pass vsd's validation (a converter bug; please"
          + " report it): " + String.join("; ", e.errors().stream().map(ConfigError::toString).toList()));
      return FAILED;
    }
    out.print(yaml);
    out.flush();
    for (KeepalivedConverter.Note n : result.notes()) {
      err.println(n);
    }
    if (result.notes().isEmpty()) {
      return CONVERTED;
    }
    int n = result.notes().size();
    err.println(program + ": " + n + " keyword" + (n == 1 ? " was" : "s were") + " not carried over (listed above);"
        + " the configuration printed leaves " + (n == 1 ? "it" : "them") + " out");
    return PARTLY_CONVERTED;
  }
}
