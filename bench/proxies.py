#!/usr/bin/env python3
"""vsd against HAProxy and nginx stream on loopback, all in one run (issue 7). Run it through
bench/run-proxies.sh, which installs the tools, builds vsd and raises the open-files limit.

Everything binds 127.0.0.1. Every process started here is in its own session and is killed on exit,
whatever the exit. Every wait is bounded."""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "target", "proxies")
DOC = os.path.join(ROOT, "docs", "performance.md")
BEGIN, END = "<!-- proxies:begin (written by bench/run-proxies.sh) -->", "<!-- proxies:end -->"

CORES = os.cpu_count() or 1
# Vert.x's default event-loop pool is 2 x cores, and the director does not change it.
EVENT_LOOPS = int(os.environ.get("BENCH_EVENT_LOOPS", 2 * CORES))
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))
SECONDS = int(os.environ.get("BENCH_SECONDS", 3))
IDLE_CONNS = int(os.environ.get("BENCH_IDLE_CONNS", 9000))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", 1))
WRK_CONNS = int(os.environ.get("BENCH_WRK_CONNS", 32))
STARTS = 3
WARMUP = int(os.environ.get("BENCH_WARMUP", 15))
# BENCH_PROFILE=1: vsd runs with a JFR recording, and `jfr view hot-methods` of it goes to bench/target.
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

# Ports: backends, then one block per proxy (http, iperf3, dns).
BACKENDS = [18081, 18082]
IPERF = 18201
DNS = 18301
ADMIN = 18499
PORTS = {"vsd": (18400, 18401, 18402), "haproxy": (18410, 18411, None), "nginx": (18420, 18421, 18422),
         "direct": (BACKENDS[0], IPERF, DNS)}
TARGETS = ["vsd", "haproxy", "nginx", "direct"]
PROXIES = TARGETS[:3]

import processes
from processes import loadavg, log, on_signal, run, start, stop, stop_all, write

processes.WORK = WORK


def wait_port(port, what, seconds=20.0, proc=None):
  deadline = time.monotonic() + seconds
  while time.monotonic() < deadline:
    if proc is not None and proc.poll() is not None:
      raise RuntimeError(f"{what} exited with {proc.returncode}; see {WORK}/*.log")
    try:
      socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
      return
    except OSError:
      time.sleep(0.02)
  raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {seconds:.0f} s")


def http_get(port, timeout=1.0):
  """One request on a new connection; True on a 200."""
  with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
    s.sendall(b"GET / HTTP/1.0\r\nHost: bench\r\n\r\n")
    data = b""
    while b"\r\n" not in data and len(data) < 4096:
      chunk = s.recv(4096)
      if not chunk:
        break
      data += chunk
    return data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200")


# ---- /proc ----

def pids_of(p):
  """The process and its children (nginx's workers)."""
  pids = [p.pid]
  try:
    with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
      pids += [int(x) for x in f.read().split()]
  except OSError:
    pass
  return pids


def cpu_seconds(p):
  total = 0
  for pid in pids_of(p):
    try:
      with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
      total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    except OSError:
      pass
  return total / CLK_TCK


def rss_kib(p):
  total = 0
  for pid in pids_of(p):
    try:
      with open(f"/proc/{pid}/statm") as f:
        total += int(f.read().split()[1]) * PAGE_KIB
    except OSError:
      pass
  return total


# ---- configuration of the peers ----

def nginx_backends_conf():
  servers = "".join(f"""
    server {{ listen 127.0.0.1:{port}; location / {{ return 200 "hello from real server {i + 1}\\n"; }} }}"""
                    for i, port in enumerate(BACKENDS))
  return write(os.path.join(WORK, "backends.conf"), f"""daemon off;
worker_processes {CORES};
worker_rlimit_nofile 20000;
pid {WORK}/backends.pid;
error_log {WORK}/backends-error.log warn;
events {{ worker_connections 20000; }}
http {{
  access_log off;
  default_type text/plain;
  # Idle proxied connections are held for the memory measurement; keep-alive runs never reconnect.
  client_header_timeout 300s;
  keepalive_timeout 300s;
  keepalive_requests 100000000;
  client_body_temp_path {WORK}/tmp;
  proxy_temp_path {WORK}/tmp;
  fastcgi_temp_path {WORK}/tmp;
  uwsgi_temp_path {WORK}/tmp;
  scgi_temp_path {WORK}/tmp;{servers}
}}
""")


def haproxy_conf():
  http, iperf, _ = PORTS["haproxy"]
  servers = "".join(f"\n  server s{i + 1} 127.0.0.1:{port}" for i, port in enumerate(BACKENDS))
  return write(os.path.join(WORK, "haproxy.cfg"), f"""global
  nbthread {EVENT_LOOPS}
  maxconn 9500
defaults
  mode tcp
  maxconn 9500
  timeout connect 2s
  timeout client 300s
  timeout server 300s
frontend http
  bind 127.0.0.1:{http}
  default_backend http
backend http
  balance roundrobin{servers}
frontend iperf
  bind 127.0.0.1:{iperf}
  default_backend iperf
backend iperf
  server s1 127.0.0.1:{IPERF}
""")


def nginx_stream_conf():
  http, iperf, dns = PORTS["nginx"]
  servers = "".join(f" server 127.0.0.1:{port};" for port in BACKENDS)
  return write(os.path.join(WORK, "stream.conf"), f"""daemon off;
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes {EVENT_LOOPS};
worker_rlimit_nofile 20000;
pid {WORK}/stream.pid;
error_log {WORK}/stream-error.log warn;
events {{ worker_connections 20000; }}
stream {{
  upstream http {{{servers} }}
  server {{ listen 127.0.0.1:{http}; proxy_pass http; proxy_timeout 300s; }}
  upstream iperf {{ server 127.0.0.1:{IPERF}; }}
  server {{ listen 127.0.0.1:{iperf}; proxy_pass iperf; proxy_timeout 300s; }}
  upstream dns {{ server 127.0.0.1:{DNS}; }}
  server {{ listen 127.0.0.1:{dns} udp; proxy_pass dns; proxy_responses 1; proxy_timeout 5s; }}
}}
""")


def vsd_conf(state_dir, udp):
  http, iperf, dns = PORTS["vsd"]
  servers = "".join(f"\n      - {{address: 127.0.0.1:{port}, weight: 1}}" for port in BACKENDS)
  text = f"""director:
  id: bench
  admin: 127.0.0.1:{ADMIN}
  state-dir: {state_dir}
  drain-timeout: 0s
services:
  - address: 127.0.0.1:{http}
    scheduler: wrr
    servers:{servers}
  - address: 127.0.0.1:{iperf}
    scheduler: wrr
    servers:
      - {{address: 127.0.0.1:{IPERF}, weight: 1}}
"""
  if udp:
    text += f"""  - protocol: udp
    address: 127.0.0.1:{dns}
    scheduler: wrr
    ops: true
    servers:
      - {{address: 127.0.0.1:{DNS}, weight: 1}}
"""
  return write(os.path.join(WORK, "vsd.yaml"), text)


# ---- starting the proxies, and their start-up time ----

def launch(name, state_dir=None):
  if name == "vsd":
    if state_dir:  # a fresh state directory, so the config file's services are the ones that start
      os.makedirs(state_dir, exist_ok=True)
    env = None
    if PROFILE:
      opts = os.environ.get("VSD_JAVA_OPTS") or "-Xms16m -Xmx256m -XX:+UseSerialGC"
      env = dict(os.environ, VSD_JAVA_OPTS=opts + f" -XX:StartFlightRecording=filename={WORK}/vsd.jfr,settings=profile,dumponexit=true")
    return start("vsd", [os.path.join(ROOT, "bin", "vsd"), "--config", os.path.join(WORK, "vsd.yaml")], env=env)
  if name == "haproxy":
    return start("haproxy", ["haproxy", "-db", "-f", os.path.join(WORK, "haproxy.cfg")])
  return start("nginx-stream", ["nginx", "-p", WORK, "-c", os.path.join(WORK, "stream.conf")])


def train_vsd(state_dir, res):
  """bin/vsd's first start after a build records the JDK's AOT cache, which later starts use (docs/performance.md).
  Without one, the start-up figure would be the training start's: so a training start comes first, with some load,
  and the cache is waited for (a second JVM assembles it after the director exits)."""
  cache = os.path.join(ROOT, "director", "target", "vsd.aot")
  if os.environ.get("VSD_AOT", "1") == "0" or os.path.exists(cache):
    return
  log("vsd: no AOT cache yet (first start after a build): a training start with 3 s of load, then the cache")
  subprocess.run(["rm", "-rf", state_dir], check=True)
  os.makedirs(state_dir)
  p, _, _ = timed_start("vsd")
  wrk(PORTS["vsd"][0], close=False, seconds=3)
  wrk(PORTS["vsd"][0], close=True, seconds=3)
  stop(p, grace=60.0)
  deadline = time.monotonic() + 180
  while not os.path.exists(cache) and time.monotonic() < deadline:
    time.sleep(0.5)
  if not os.path.exists(cache):
    res["notes"].append("vsd's AOT cache was not written within 180 s of the training start: start-up ran without it")
  time.sleep(1)  # the assembling JVM renames the finished file into place; let it exit


def timed_start(name):
  """Seconds from exec to the first response forwarded through the proxy's http service."""
  t0 = time.monotonic()
  p = launch(name)
  port = PORTS[name][0]
  deadline = t0 + 30
  while time.monotonic() < deadline:
    if p.poll() is not None:
      raise RuntimeError(f"{name} exited with {p.returncode} at start-up; see {WORK}/{name}*.log")
    try:
      if http_get(port, timeout=1.0):
        return p, time.monotonic() - t0, cpu_seconds(p)
    except OSError:
      pass
    time.sleep(0.002)
  raise RuntimeError(f"{name} forwarded nothing within 30 s")


# ---- the load generators ----

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port, close, seconds=SECONDS):
  argv = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNS}", f"-d{seconds}s", "--latency"]
  if close:
    argv += ["-H", "Connection: close"]
  r = run(argv + [f"http://127.0.0.1:{port}/"], timeout=seconds + 30)
  out = r.stdout
  m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
  if r.returncode != 0 or not m:
    raise RuntimeError(f"wrk failed: {out} {r.stderr}")
  lat = {q: float(v) * UNITS[u] for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
  errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
  non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
  rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
  return {"requests": int(m.group(1)), "rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
          "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def iperf3(port, streams, seconds=SECONDS):
  for attempt in range(3):  # the server takes one test at a time, and may still be closing the last one
    r = run(["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", str(seconds), "-P", str(streams),
             "-J"], timeout=seconds + 30)
    try:
      j = json.loads(r.stdout)
    except ValueError:
      j = {"error": r.stdout[-200:] + r.stderr[-200:]}
    if "error" not in j:
      return {"gbps": j["end"]["sum_received"]["bits_per_second"] / 1e9,
              "bytes": j["end"]["sum_received"]["bytes"]}
    log(f"iperf3 through {port}: {j['error']}; again")
    time.sleep(1 + attempt)
  raise RuntimeError(f"iperf3 through {port} failed 3 times")


def dnsperf(port, seconds=SECONDS):
  r = run(["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", os.path.join(WORK, "queries.txt"),
           "-l", str(seconds), "-c", "4", "-q", "64", "-t", "2"], timeout=seconds + 30)
  qps = re.search(r"Queries per second:\s+([\d.]+)", r.stdout)
  lost = re.search(r"Queries lost:\s+(\d+)", r.stdout)
  if not qps:
    raise RuntimeError(f"dnsperf failed: {r.stdout[-400:]} {r.stderr[-400:]}")
  return {"qps": float(qps.group(1)), "lost": int(lost.group(1)) if lost else 0}


def dig_ok(port):
  r = run(["dig", "@127.0.0.1", "-p", str(port), "+time=1", "+tries=2", "+short", "www.bench.test", "A"],
          timeout=10)
  return r.returncode == 0 and "127.0.0.1" in r.stdout


# ---- idle connections ----

def backend_established():
  r = run(["ss", "-Htn", "state", "established", "( sport = :%d or sport = :%d )" % tuple(BACKENDS)], timeout=20)
  return len(r.stdout.splitlines())


def idle_memory(name, p):
  """RSS added per idle proxied connection: N client connections through the proxy, each with its backend."""
  base_backend = backend_established()
  time.sleep(0.5)
  before = rss_kib(p)
  socks = []
  deadline = time.monotonic() + 90
  try:
    for _ in range(IDLE_CONNS):
      if time.monotonic() > deadline:
        raise RuntimeError(f"opening {IDLE_CONNS} connections through {name} took over 90 s")
      socks.append(socket.create_connection(("127.0.0.1", PORTS[name][0]), timeout=5))
    reached = 0
    while time.monotonic() < deadline:
      reached = backend_established() - base_backend
      if reached >= IDLE_CONNS:
        break
      time.sleep(0.2)
    time.sleep(1.0)
    after = rss_kib(p)
  finally:
    for s in socks:
      s.close()
  # Let the backends see the closes before the next proxy is measured (bounded).
  settle = time.monotonic() + 30
  while time.monotonic() < settle and backend_established() > base_backend + 10:
    time.sleep(0.2)
  if reached < IDLE_CONNS:
    log(f"{name}: only {reached} of {IDLE_CONNS} connections reached a backend")
  return {"kib_per_conn": (after - before) / IDLE_CONNS, "before_kib": before, "after_kib": after,
          "reached": reached}


# ---- the run ----

def median(xs):
  xs = [x for x in xs if x is not None]
  return statistics.median(xs) if xs else None


def main():
  for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, on_signal)
  if os.path.isdir(WORK):
    subprocess.run(["rm", "-rf", WORK], check=True)
  os.makedirs(os.path.join(WORK, "tmp"))
  t_begin = time.monotonic()
  loads = [loadavg()]
  try:
    results = measure(loads)
  finally:
    stop_all(grace=30.0)  # a JVM may write its AOT cache (and a JFR recording) on the way out
  results["elapsed_s"] = time.monotonic() - t_begin
  if PROFILE and os.path.exists(os.path.join(WORK, "vsd.jfr")):
    jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr")
    with open(os.path.join(HERE, "target", "vsd-profile.txt"), "w") as f:
      for view in ("hot-methods", "allocation-by-site", "gc"):
        f.write(run([jfr, "view", "--width", "160", view, os.path.join(WORK, "vsd.jfr")], timeout=120).stdout)
    log("written: bench/target/vsd-profile.txt (JFR of vsd over the whole run)")
  loads.append(loadavg())
  results["load"] = (min(loads), max(loads))
  report(results)


def measure(loads):
  res = {"startup": {}, "startup_cpu": {}, "idle_rss": {}, "ka": {t: [] for t in TARGETS}, "close": {t: [] for t in TARGETS},
         "iperf1": {t: [] for t in TARGETS}, "iperf8": {t: [] for t in TARGETS}, "dns": {}, "idle": {},
         "cpu_ka": {t: [] for t in PROXIES}, "cpu_close": {t: [] for t in PROXIES},
         "cpu_iperf8": {t: [] for t in PROXIES}, "notes": [], "rss_after_load": {}}

  log("backends: nginx http, iperf3, dnsmasq")
  backends = start("backends", ["nginx", "-p", WORK, "-c", nginx_backends_conf()])
  start("iperf3", ["iperf3", "-s", "-B", "127.0.0.1", "-p", str(IPERF)])
  dnsmasq = start("dnsmasq", ["/usr/sbin/dnsmasq", "-k", "--conf-file=/dev/null", f"--port={DNS}",
                              "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                              "--address=/bench.test/127.0.0.1", "--pid-file=", "--log-facility=-"])
  write(os.path.join(WORK, "queries.txt"), "www.bench.test A\n")
  for port in BACKENDS:
    wait_port(port, "the nginx backends", proc=backends)
  wait_port(IPERF, "iperf3 -s")
  deadline = time.monotonic() + 10
  while not dig_ok(DNS):
    if time.monotonic() > deadline or dnsmasq.poll() is not None:
      raise RuntimeError("dnsmasq does not answer")
    time.sleep(0.1)

  # vsd serves UDP once its data plane does: a config it refuses, or a service that does not answer, is
  # reported, and the rest of the run goes on without it.
  state_dir = os.path.join(WORK, "vsd-state")
  vsd_conf(state_dir, udp=True)
  check = run([os.path.join(ROOT, "bin", "vsd"), "--check-config", os.path.join(WORK, "vsd.yaml")], timeout=120)
  vsd_udp = check.returncode == 0
  if not vsd_udp:
    res["notes"].append("vsd refused the UDP service in its config: " + (check.stdout + check.stderr).strip()[:200])
    vsd_conf(state_dir, udp=False)
  haproxy_conf()
  nginx_stream_conf()
  check = run(["haproxy", "-c", "-q", "-f", os.path.join(WORK, "haproxy.cfg")], timeout=30)
  if check.returncode != 0:
    raise RuntimeError("haproxy -c: " + check.stdout + check.stderr)

  train_vsd(state_dir, res)
  procs = {}
  for name in PROXIES:
    times, cpus = [], []
    for i in range(STARTS):
      if name == "vsd":
        subprocess.run(["rm", "-rf", state_dir], check=True)
        os.makedirs(state_dir)
      p, t, c = timed_start(name)
      times.append(t)
      cpus.append(c)
      if i < STARTS - 1:
        stop(p)
    procs[name] = p
    res["startup"][name] = times
    res["startup_cpu"][name] = cpus
    time.sleep(3)  # idle after start-up
    res["idle_rss"][name] = rss_kib(p)
    log(f"{name}: start-up {', '.join(f'{t:.3f}' for t in times)} s (CPU {', '.join(f'{c:.2f}' for c in cpus)} s), "
        f"idle RSS {rss_kib(p) / 1024:.1f} MiB")

  if vsd_udp and not dig_ok(PORTS["vsd"][2]):
    vsd_udp = False
    res["notes"].append("vsd took the UDP service in its config, but it did not answer a DNS query: UDP "
                        "forwarding is not supported yet by this build's data plane.")
  if not dig_ok(PORTS["nginx"][2]):
    raise RuntimeError("nginx stream does not forward DNS")
  res["vsd_udp"] = vsd_udp
  dns_targets = [t for t in ("vsd", "nginx", "direct") if t != "vsd" or vsd_udp]
  res["dns"] = {t: [] for t in dns_targets}

  # The JVM compiles the forwarding path under load: in a first run with 2 s, vsd was still getting faster
  # from one repeat to the next. HAProxy and nginx get a short run too, so every proxy has seen traffic.
  log(f"warm-up: {WARMUP} s of keep-alive and of connection-close load through vsd, 1 s through the others")
  for name in PROXIES:
    wrk(PORTS[name][0], close=False, seconds=WARMUP if name == "vsd" else 1)
    wrk(PORTS[name][0], close=True, seconds=WARMUP if name == "vsd" else 1)

  def with_cpu(name, fn):
    p = procs.get(name)
    c0 = cpu_seconds(p) if p else None
    r = fn()
    if p:
      r["cpu"] = cpu_seconds(p) - c0
    return r

  for rep in range(REPEATS):
    log(f"repeat {rep + 1} of {REPEATS}")
    for test in ("ka", "close", "iperf1", "iperf8", "dns"):
      for name in TARGETS:
        if test == "dns" and name not in dns_targets:
          continue
        loads.append(loadavg())
        http, iperf, dns = PORTS[name]
        if test in ("ka", "close"):
          r = with_cpu(name, lambda: wrk(http, close=(test == "close")))
          if r["errors"]:
            res["notes"].append(f"{name}: {r['errors']} wrk errors in a {test} run")
          if "cpu" in r:
            res["cpu_" + test][name].append(r["cpu"] / r["requests"] * 1e5)
        elif test.startswith("iperf"):
          r = with_cpu(name, lambda: iperf3(iperf, 1 if test == "iperf1" else 8))
          if test == "iperf8" and "cpu" in r:
            res["cpu_iperf8"][name].append(r["cpu"] / (r["bytes"] / 2 ** 30))
        else:
          r = dnsperf(dns)
          if r["lost"]:
            res["notes"].append(f"{name}: {r['lost']} DNS queries lost in a run")
        res[test][name].append(r)
      log(f"  {test}: " + ", ".join(f"{n} {summary(test, res[test][n][-1])}" for n in res[test] if res[test][n]))

  for name in PROXIES:
    res["rss_after_load"][name] = rss_kib(procs[name])
  log(f"idle connections: {IDLE_CONNS} through each proxy")
  for name in PROXIES:
    res["idle"][name] = idle_memory(name, procs[name])
    log(f"  {name}: {res['idle'][name]['kib_per_conn']:.2f} KiB per connection pair "
        f"({res['idle'][name]['reached']} reached a backend)")
  res["java_opts"] = os.environ.get("VSD_JAVA_OPTS", "(bin/vsd's default)")
  return res


def summary(test, r):
  if test in ("ka", "close"):
    return f"{r['rps']:.0f}/s"
  if test.startswith("iperf"):
    return f"{r['gbps']:.2f} Gbit/s"
  return f"{r['qps']:.0f} q/s"


# ---- the report ----

def fmt(x, digits):
  if x is None:
    return "—"
  if isinstance(x, str):
    return x
  if abs(x) >= 1000:
    return f"{x:,.0f}"
  return f"{x:.{digits}f}"


def report(res):
  def med(test, key, name):
    rows = res[test].get(name) or []
    return median([r[key] for r in rows])

  rows = []  # (figure, {target: value}, digits, target description, check)

  def row(figure, values, digits, target=None, check=None):
    rows.append((figure, values, digits, target, check))

  ge = lambda k: (lambda r: r >= k)
  le = lambda k: (lambda r: r <= k)
  row("keep-alive requests/s", {t: med("ka", "rps", t) for t in TARGETS}, 0, "≥ 1.0× HAProxy", ge(1.0))
  row("keep-alive latency p50 (ms)", {t: med("ka", "p50", t) for t in TARGETS}, 3)
  row("keep-alive latency p99 (ms)", {t: med("ka", "p99", t) for t in TARGETS}, 3, "≤ 1.2× HAProxy", le(1.2))
  row("proxy CPU s per 100k keep-alive requests", {t: median(res["cpu_ka"][t]) for t in PROXIES}, 2,
      "≤ 1.0× HAProxy", le(1.0))
  row("`Connection: close` connections/s", {t: med("close", "rps", t) for t in TARGETS}, 0, "≥ 1.0× HAProxy", ge(1.0))
  row("`Connection: close` latency p99 (ms)", {t: med("close", "p99", t) for t in TARGETS}, 3)
  row("proxy CPU s per 100k connections", {t: median(res["cpu_close"][t]) for t in PROXIES}, 2)
  row("iperf3 1 stream (Gbit/s)", {t: med("iperf1", "gbps", t) for t in TARGETS}, 2, "≥ 1.5× HAProxy", ge(1.5))
  row("iperf3 8 streams (Gbit/s)", {t: med("iperf8", "gbps", t) for t in TARGETS}, 2, "≥ 1.5× HAProxy", ge(1.5))
  row("proxy CPU s per GiB, iperf3 8 streams", {t: median(res["cpu_iperf8"][t]) for t in PROXIES}, 2)
  dns = {t: med("dns", "qps", t) for t in res["dns"]}
  dns["haproxy"] = "no UDP"
  if not res["vsd_udp"]:
    dns["vsd"] = "not supported yet"
  row("DNS over UDP, queries/s (dnsperf)", dns, 0)
  kib = {t: res["idle"][t]["kib_per_conn"] for t in PROXIES}
  row("RSS per idle proxied connection pair (KiB)", kib, 2, "≤ 4 KiB", None)
  row("RSS per 10,000 idle proxied connections (MiB)", {t: kib[t] * 10000 / 1024 for t in PROXIES}, 1)
  row("RSS at idle after start-up (MiB)", {t: res["idle_rss"][t] / 1024 for t in PROXIES}, 1, "vsd ≤ 64 MiB", None)
  row("RSS after the load runs (MiB)", {t: res["rss_after_load"][t] / 1024 for t in PROXIES}, 1)
  row("start-up to the first forwarded connection (s)", {t: median(res["startup"][t]) for t in PROXIES}, 3,
      "vsd ≤ 1.5 s", None)
  row("CPU s used by the proxy until then", {t: median(res["startup_cpu"][t]) for t in PROXIES}, 2)

  absolute = {"RSS per idle proxied connection pair (KiB)": lambda v: v <= 4.0,
              "RSS at idle after start-up (MiB)": lambda v: v <= 64.0,
              "start-up to the first forwarded connection (s)": lambda v: v <= 1.5}
  lines = ["| figure | vsd | HAProxy | nginx | direct | vsd / HAProxy | vsd / direct | target | met |",
           "|---|---:|---:|---:|---:|---:|---:|---|---|"]
  for figure, values, digits, target, check in rows:
    v = values.get("vsd")
    h = values.get("haproxy")
    d = values.get("direct")
    num = lambda x: isinstance(x, (int, float))
    rh = v / h if num(v) and num(h) and h else None
    rd = v / d if num(v) and num(d) and d else None
    met = ""
    if target:
      if figure in absolute:
        met = ("met" if absolute[figure](v) else "not met") if num(v) else "not measured"
      elif rh is not None:
        met = "met" if check(rh) else "not met"
      else:
        met = "not measured"
    lines.append(f"| {figure} | {fmt(v, digits)} | {fmt(h, digits)} | {fmt(values.get('nginx'), digits)} | "
                 f"{fmt(d, digits)} | {fmt(rh, 2)}{'×' if rh is not None else ''} | "
                 f"{fmt(rd, 2)}{'×' if rd is not None else ''} | {target or ''} | {met} |")
  table = "\n".join(lines)

  machine = describe_machine(res)
  repeats = raw_repeats(res)
  notes = "\n".join(f"- {n}" for n in dict.fromkeys(res["notes"])) or "- none"
  when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
  section = f"""### Last run ({when})

{table}

Medians of {REPEATS} interleaved repeats (vsd, HAProxy, nginx, direct) of {SECONDS} s each; start-up is the
median of {STARTS} starts; idle memory is one opening of {IDLE_CONNS:,} connections per proxy. The whole run took
{res['elapsed_s']:.0f} s.

{machine}

Remarks from the run:
{notes}
"""
  print(table)
  print()
  print(machine)
  print("\nRemarks from the run:\n" + notes)
  with open(os.path.join(HERE, "target", "proxies.md"), "w") as f:
    f.write("# vsd, HAProxy and nginx: bench/run-proxies.sh\n\n" + section + "\n### Every repeat\n\n" + repeats + "\n")
  with open(os.path.join(HERE, "target", "proxies.json"), "w") as f:
    json.dump(res, f, indent=1, default=str)
  if os.environ.get("BENCH_NO_DOC") != "1":
    with open(DOC) as f:
      doc = f.read()
    block = f"{BEGIN}\n{section}{END}"
    if BEGIN in doc and END in doc:
      doc = doc[:doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
    else:
      doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    with open(DOC, "w") as f:
      f.write(doc)
  log(f"written: bench/target/proxies.md" + ("" if os.environ.get("BENCH_NO_DOC") == "1" else ", docs/performance.md"))


def raw_repeats(res):
  out = ["| figure | " + " | ".join(TARGETS) + " |", "|---|" + "---|" * len(TARGETS)]
  for test, key, label in (("ka", "rps", "keep-alive req/s"), ("ka", "p99", "keep-alive p99 ms"),
                           ("close", "rps", "conn/s"), ("iperf1", "gbps", "iperf3 1 stream Gbit/s"),
                           ("iperf8", "gbps", "iperf3 8 streams Gbit/s"), ("dns", "qps", "DNS q/s")):
    cells = []
    for t in TARGETS:
      rs = res[test].get(t) or []
      cells.append(", ".join(fmt(r[key], 3 if key == "p99" else 2 if key == "gbps" else 0) for r in rs) or "—")
    out.append(f"| {label} | " + " | ".join(cells) + " |")
  out.append("| start-up s | " + " | ".join(", ".join(f"{x:.3f}" for x in res["startup"].get(t, [])) or "—"
                                           for t in TARGETS) + " |")
  return "\n".join(out)


def describe_machine(res):
  def sh(argv):
    try:
      return run(argv, timeout=20).stdout.strip()
    except Exception:
      return ""
  lscpu = sh(["lscpu"])
  model = re.search(r"Model name:\s+(.+)", lscpu)
  versions = []
  for pkg in ("haproxy", "nginx", "libnginx-mod-stream", "wrk", "iperf3", "dnsperf", "dnsmasq-base"):
    v = sh(["dpkg-query", "-W", "-f", "${Version}", pkg])
    versions.append(f"{pkg} {v or '?'}")
  java = sh(["sh", "-c", f"'{os.environ.get('JAVA_HOME', '')}/bin/java' -version 2>&1 | head -1"])
  commit = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
  dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
  lo, hi = res["load"]
  return f"""Machine: {model.group(1).strip() if model else '?'}, {CORES} cores (`nproc`), kernel {os.uname().release}.
Load average (1 min) during the run: {lo:.2f} to {hi:.2f}{'' if hi < 1.5 else ' — other work shared the cores: figures are noisy'}.
vsd {commit}{' (with uncommitted changes)' if dirty else ''}, {java}, JVM options {res['java_opts']};
{', '.join(versions)}.
Threads: vsd {EVENT_LOOPS} event loops (Vert.x's default, 2 × cores), HAProxy `nbthread {EVENT_LOOPS}`, nginx
`worker_processes {EVENT_LOOPS}`; wrk `-t{WRK_THREADS} -c{WRK_CONNS}` against each; nginx backends with {CORES} workers.
Nothing is pinned: load generator, backends and proxy share the {CORES} cores."""


if __name__ == "__main__":
  try:
    main()
  except RuntimeError as e:
    log(f"run-proxies: {e}")
    sys.exit(1)
