package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vsd.services.model.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code http} and {@code https}: a GET of {@code path} with a {@code Host} header, up when the status is one of
 * the expected codes (default 200-299), the body matches {@code body} (a regex, searched) and its MD5 is {@code
 * digest} (keepalived's digest), where given. HTTPS sends SNI ({@code sni}, else the Host's name) and verifies the
 * certificate and host name unless {@code verify} is false; {@code ca} is a PEM file of trusted certificates
 * (default: the JVM's).
 */
final class HttpChecker implements Checker {
  static final int MAX_RESPONSE = 1024 * 1024;

  private final CheckContext ctx;
  private final Endpoint target;
  private final boolean tls;
  private final String path;
  private final String host;
  private final String sni;
  private final boolean verify;
  private final String ca;
  private final List<int[]> status = new ArrayList<>();
  private final String statusText;
  private final Pattern body;
  private final String digest;
  private final ClientSSLOptions ssl;

  HttpChecker(CheckContext ctx, Endpoint target, boolean tls, io.vertx.core.json.JsonObject params) {
    this.ctx = ctx;
    this.target = target;
    this.tls = tls;
    this.path = params.getString("path", "/");
    String defaultHost = (target.isIpv6() ? "[" + target.host() + "]" : target.host())
        + (target.port() == (tls ? 443 : 80) ? "" : ":" + target.port());
    this.host = params.getString("host", defaultHost);
    String hostName = host.startsWith("[") ? null : host.replaceFirst(":\\d+$", "");
    String sniGiven = params.getString("sni");
    this.sni = sniGiven != null ? sniGiven : hostName != null && !hostName.matches("[\\d.]+") ? hostName : null;
    this.verify = params.getBoolean("verify", true);
    this.ca = params.getString("ca");
    JsonArray codes = params.getJsonArray("status", new JsonArray().add("200-299"));
    for (int i = 0; i < codes.size(); i++) {
      String[] range = codes.getString(i).split("-");
      int lo = Integer.parseInt(range[0]);
      status.add(new int[] {lo, range.length > 1 ? Integer.parseInt(range[1]) : lo});
    }
    this.statusText = String.join(",", codes.stream().map(String::valueOf).toList());
    this.body = params.getString("body") == null ? null : Pattern.compile(params.getString("body"));
    this.digest = params.getString("digest");
    // One options object per checker, so that Vert.x reuses the SSL context it makes for it.
    this.ssl = !tls ? null : new ClientSSLOptions()
        .setTrustAll(!verify)
        .setHostnameVerificationAlgorithm(verify ? "HTTPS" : "");
    if (ssl != null && ca != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(ca));
    }
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    String request = "GET " + path + " HTTP/1.0\r\n"
        + "Host: " + host + "\r\n"
        + "User-Agent: vsd-health-check\r\n"
        + "Accept: */*\r\n"
        + "Connection: close\r\n\r\n";
    ConnectOptions options = new ConnectOptions();
    if (tls) {
      options.setSsl(true).setSslOptions(ssl);
      if (sni != null) {
        options.setSniServerName(sni).setHost(sni).setPort(target.port());
      }
    }
    return TcpExchange.run(ctx, target, options, Buffer.buffer(request.getBytes(StandardCharsets.ISO_8859_1)),
            HttpReply::complete, MAX_RESPONSE, timeout)
        .map(reply -> judge(HttpReply.parse(reply.data(), reply.closed())))
        .otherwise(e -> CheckResult.fail(describe() + ": " + e.getMessage()));
  }

  private CheckResult judge(HttpReply reply) {
    boolean expected = false;
    for (int[] r : status) {
      expected |= reply.status >= r[0] && reply.status <= r[1];
    }
    String got = describe() + ": " + reply.status + (reply.reason.isEmpty() ? "" : " " + reply.reason);
    if (!expected) {
      return CheckResult.fail(got + ", expected " + statusText);
    }
    if (body != null && !body.matcher(new String(reply.body, StandardCharsets.UTF_8)).find()) {
      return CheckResult.fail(got + ", but the body does not match " + TcpExpectChecker.quote(body.pattern()));
    }
    if (digest != null) {
      String md5 = md5(reply.body);
      if (!md5.equals(digest)) {
        return CheckResult.fail(got + ", but the body's MD5 is " + md5 + ", expected " + digest);
      }
    }
    return CheckResult.ok(got + ", " + reply.body.length + " bytes");
  }

  static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }

  @Override
  public String describe() {
    String address = target.isIpv6() ? "[" + target.host() + "]" : target.host();
    return (tls ? "https" : "http") + " GET " + (tls ? "https" : "http") + "://" + address + ":" + target.port() + path
        + (host.equals(address + ":" + target.port()) || host.equals(address) ? "" : " Host " + host);
  }
}
