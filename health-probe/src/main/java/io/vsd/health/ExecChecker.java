package io.vsd.health;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vsd.services.model.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code exec}, keepalived's MISC_CHECK: run a command; exit 0 is up, 1 (or any other code) is down, and with
 * {@code dynamicWeight} an exit of 2..255 is up with weight {@code exit - 2} (exit 0 then means the configured
 * weight). A command still running at the timeout is killed, with its children, and counts as down.
 *
 * <p>The command is a list (program and arguments, no shell) or a string (run by {@code /bin/sh -c}). It gets the
 * address it checks in {@code VSD_REAL_SERVER} ({@code 10.0.0.2:80}), {@code VSD_REAL_ADDRESS} and
 * {@code VSD_REAL_PORT}. It runs on a virtual thread, never on the event loop; only the director's
 * {@code exec-checks} setting lets it run at all.
 */
final class ExecChecker implements Checker {
  private static final int MAX_OUTPUT = 512;

  private final CheckContext ctx;
  private final Endpoint target;
  private final List<String> command;
  private final boolean dynamicWeight;

  ExecChecker(CheckContext ctx, Endpoint target, Object command, boolean dynamicWeight) {
    this.ctx = ctx;
    this.target = target;
    this.command = command instanceof io.vertx.core.json.JsonArray a
        ? a.stream().map(String::valueOf).toList() : List.of("/bin/sh", "-c", String.valueOf(command));
    this.dynamicWeight = dynamicWeight;
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    if (!ctx.execAllowed()) {
      return Future.succeededFuture(CheckResult.fail(describe()
          + ": exec checks are turned off on this director (director.exec-checks: true turns them on)"));
    }
    Context context = ctx.vertx().getOrCreateContext();
    Promise<CheckResult> promise = Promise.promise();
    ctx.blocking().execute(() -> {
      CheckResult r = run(timeout);
      context.runOnContext(v -> promise.complete(r));
    });
    return promise.future();
  }

  private CheckResult run(Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("VSD_REAL_SERVER", target.toString());
    pb.environment().put("VSD_REAL_ADDRESS", target.host());
    pb.environment().put("VSD_REAL_PORT", String.valueOf(target.port()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return CheckResult.fail(describe() + ": cannot run: " + e.getMessage());
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), output));
    try {
      p.getOutputStream().close();
      if (!p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
        // The command first, so that a shell cannot start its next command when its child dies, then the children.
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        return CheckResult.fail(describe() + ": still running after " + timeout.toMillis() + " ms, killed");
      }
      reader.join(50);
    } catch (InterruptedException | IOException e) {
      p.destroyForcibly();
      return CheckResult.fail(describe() + ": interrupted");
    }
    int exit = p.exitValue();
    String out;
    synchronized (output) {
      out = output.toString(StandardCharsets.UTF_8).strip();
    }
    String said = out.isEmpty() ? "" : ": " + TcpExpectChecker.quote(out.lines().findFirst().orElse(""));
    if (exit == 0) {
      return new CheckResult(true, describe() + ": exit 0" + said,
          dynamicWeight ? CheckResult.DynamicWeight.CONFIGURED : null);
    }
    if (dynamicWeight && exit >= 2 && exit <= 255) {
      return new CheckResult(true, describe() + ": exit " + exit + ", weight " + (exit - 2) + said,
          new CheckResult.DynamicWeight(exit - 2, null));
    }
    return CheckResult.fail(describe() + ": exit " + exit + said);
  }

  private static void drain(InputStream in, ByteArrayOutputStream into) {
    byte[] buf = new byte[1024];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (into) {
          int room = MAX_OUTPUT - into.size();
          if (room > 0) {
            into.write(buf, 0, Math.min(room, n));
          }
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  @Override
  public String describe() {
    String c = command.size() == 3 && command.get(0).equals("/bin/sh") && command.get(1).equals("-c")
        ? command.get(2) : String.join(" ", command);
    return "exec " + TcpExpectChecker.quote(c) + " for " + target;
  }
}
