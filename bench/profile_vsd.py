#!/usr/bin/env python3
"""async-profiler flame graphs of vsd's TCP data plane under wrk load (issue 7: show what bounds it). Run it
through bench/profile-vsd.sh, which installs the tools, builds vsd and fetches the profiler's agent.

nginx serves as two real servers, vsd forwards one wrr service to them, wrk loads it; the profiler is attached
to the running director with jcmd only after a warm-up, so the flame graphs show the JIT-compiled steady state,
not start-up. Everything binds 127.0.0.1:186xx. Every process started here is in its own session and is killed
on exit, whatever the exit. Every wait is bounded."""

import collections
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "target", "profile")
DOCS = os.path.join(ROOT, "docs", "flamegraphs")
AGENT = os.environ.get("PROFILE_AGENT", "")
JAVA_HOME = os.environ.get("JAVA_HOME", "/usr")
JCMD = os.path.join(JAVA_HOME, "bin", "jcmd")

WARMUP = int(os.environ.get("PROFILE_WARMUP", 20))
# Warm-up goes on, in slices, while the JIT compilers still take more than JIT_SETTLED of the director's CPU,
# up to WARMUP_MAX seconds: on a busy machine C2 may need more than WARMUP seconds of load to finish.
WARMUP_MAX = int(os.environ.get("PROFILE_WARMUP_MAX", 45))
WARMUP_SLICE = 5
JIT_SETTLED = 0.05
SECONDS = int(os.environ.get("PROFILE_SECONDS", 10))
INTERVAL = os.environ.get("PROFILE_INTERVAL", "997us")  # a prime number of µs: no beat with periodic work
WRK_THREADS, WRK_CONNS = 1, 32
CLK_TCK = os.sysconf("SC_CLK_TCK")

BACKENDS = [18681, 18682]
SERVICE = 18600
ADMIN = 18699

# name, Connection: close?, async-profiler event, seconds of warm-up. The allocation profile follows the CPU
# profile of the same load, so the director is already warm for it.
RUNS = [("close-cpu", True, "cpu", WARMUP), ("close-alloc", True, "alloc", 0),
        ("keepalive-cpu", False, "cpu", WARMUP)]

import processes
from processes import loadavg, log, on_signal, run, start, stop, stop_all, write

processes.WORK = WORK


def wait_port(port, what, proc, seconds=20.0):
  deadline = time.monotonic() + seconds
  while time.monotonic() < deadline:
    if proc.poll() is not None:
      raise RuntimeError(f"{what} exited with {proc.returncode}; see {WORK}/*.log")
    try:
      socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
      return
    except OSError:
      time.sleep(0.05)
  raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {seconds:.0f} s")


def forwards(port):
  """One request on a new connection through vsd; True on a 200 from a real server."""
  try:
    with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
      s.sendall(b"GET / HTTP/1.0\r\nHost: profile\r\n\r\n")
      data = b""
      while len(data) < 4096:
        chunk = s.recv(4096)
        if not chunk:
          break
        data += chunk
      return data.startswith(b"HTTP/1.1 200") and b"real server" in data
  except OSError:
    return False


def cpu_seconds(pid):
  with open(f"/proc/{pid}/stat") as f:
    fields = f.read().rsplit(")", 1)[1].split()
  return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15)


def jit_cpu_seconds(pid):
  """CPU of the JVM's compiler threads ("C1 CompilerThre", "C2 CompilerThre" as Linux truncates them)."""
  total = 0
  for tid in os.listdir(f"/proc/{pid}/task"):
    try:
      with open(f"/proc/{pid}/task/{tid}/comm") as f:
        if not re.match(r"C\d Compiler", f.read()):
          continue
      with open(f"/proc/{pid}/task/{tid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
      total += int(fields[11]) + int(fields[12])
    except OSError:
      pass  # a compiler thread that exited (HotSpot starts and stops them as the queue grows and shrinks)
  return total / CLK_TCK


def backends_conf():
  tmp = os.path.join(WORK, "tmp")
  servers = "".join(f'  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "hello from real server {i + 1}\\n"; }} }}\n'
                    for i, port in enumerate(BACKENDS))
  return write(os.path.join(WORK, "backends.conf"), f"""daemon off;
worker_processes 2;
worker_rlimit_nofile 4096;
pid {WORK}/backends.pid;
error_log {WORK}/backends-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  default_type text/plain;
  # The keep-alive load never reconnects to the real servers.
  keepalive_timeout 300s;
  keepalive_requests 100000000;
  client_body_temp_path {tmp};
  proxy_temp_path {tmp};
  fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp};
  scgi_temp_path {tmp};
{servers}}}
""")


def vsd_conf(state_dir):
  servers = "".join(f"\n      - {{address: 127.0.0.1:{port}, weight: 1}}" for port in BACKENDS)
  return write(os.path.join(WORK, "vsd.yaml"), f"""director:
  id: profile
  admin: 127.0.0.1:{ADMIN}
  state-dir: {state_dir}
  drain-timeout: 0s
services:
  - address: 127.0.0.1:{SERVICE}
    scheduler: wrr
    servers:{servers}
""")


# ---- load and profiler ----

def wrk(close, seconds):
  argv = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNS}", f"-d{seconds}s"]
  if close:
    argv += ["-H", "Connection: close"]
  r = run(argv + [f"http://127.0.0.1:{SERVICE}/"], timeout=seconds + 30)
  out = r.stdout
  m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
  if r.returncode != 0 or not m:
    raise RuntimeError(f"wrk failed: {out} {r.stderr}")
  errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
  non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
  return {"requests": int(m.group(1)), "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
          "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def profiler(pid, command):
  """One async-profiler command in the director, through the JVM's attach mechanism. The inner quotes keep
  the whole option string one argument: without them jcmd splits it at '=' and the agent sees no event."""
  r = run([JCMD, str(pid), "JVMTI.agent_load", AGENT, f'"{command}"'], timeout=60)
  if r.returncode != 0 or "return code: 0" not in r.stdout:
    raise RuntimeError(f"jcmd JVMTI.agent_load '{command}' failed: {r.stdout.strip()} {r.stderr.strip()}"
                       f" (the agent's own message is in {WORK}/vsd.log)")


def profile_run(pid, name, close, event, warmup):
  load = "connection close" if close else "keep-alive"
  done = 0
  if warmup:
    log(f"{name}: {warmup} s of {load} load before the profiler starts")
    done = max(warmup - WARMUP_SLICE, 0)
    if done:
      wrk(close, done)
    while True:
      c0, j0 = cpu_seconds(pid), jit_cpu_seconds(pid)
      wrk(close, WARMUP_SLICE)
      done += WARMUP_SLICE
      share = (jit_cpu_seconds(pid) - j0) / max(cpu_seconds(pid) - c0, 0.01)
      if share <= JIT_SETTLED or done >= WARMUP_MAX:
        break
      log(f"{name}: the JIT compilers took {100 * share:.0f} % of the director's CPU in the last "
          f"{WARMUP_SLICE} s: {WARMUP_SLICE} s more")
    log(f"{name}: warm after {done} s (JIT compilers {100 * share:.0f} % of the director's CPU in the last "
        f"{WARMUP_SLICE} s)")
  html = os.path.join(WORK, name + ".html")
  collapsed = os.path.join(WORK, name + ".collapsed")
  for f in (html, collapsed):
    if os.path.exists(f):
      os.remove(f)
  # cstack=vm: HotSpot's own stack walker, so the stacks go through the JVM's frames (compiler, GC, the
  # interpreter) into the kernel's without frame pointers. The allocation profiler samples allocations, not
  # time: no interval (its default is one sample per 512 KiB), and the collapsed stacks count bytes.
  options = f"event=cpu,interval={INTERVAL},cstack=vm" if event == "cpu" else "event=alloc"
  log(f"{name}: profiler on ({options}), {SECONDS} s of {load} load")
  profiler(pid, "start," + options)
  c0, j0 = cpu_seconds(pid), jit_cpu_seconds(pid)
  r = wrk(close, SECONDS)
  c1, j1 = cpu_seconds(pid), jit_cpu_seconds(pid)
  profiler(pid, f"stop,file={html}")
  profiler(pid, f"collapsed,{'total,' if event == 'alloc' else ''}file={collapsed}")
  for f in (html, collapsed):
    if not os.path.exists(f) or os.path.getsize(f) == 0:
      raise RuntimeError(f"the profiler wrote no {f}")
  r.update(name=name, load=load, warmup=done if warmup else "(follows close-cpu) 0", event=event,
           cpu_s=c1 - c0, cpu_us_per_req=(c1 - c0) / r["requests"] * 1e6,
           jit_share=max(j1 - j0, 0) / max(c1 - c0, 0.01), html=html, collapsed=collapsed)
  log(f"{name}: {r['rps']:.0f} req/s, director CPU {r['cpu_us_per_req']:.1f} µs per request "
      f"({100 * r['jit_share']:.0f} % of it in the JIT compilers)"
      + (f", {r['errors']} errors" if r["errors"] else ""))
  return r


# ---- summaries of the collapsed stacks ----

def read_collapsed(path):
  stacks = []
  with open(path) as f:
    for line in f:
      stack, _, n = line.rstrip("\n").rpartition(" ")
      if stack and n.isdigit():
        stacks.append((stack.split(";"), int(n)))
  return stacks


# Inclusive shares: a sample counts when any frame of its stack matches. GC: the collectors' own frames
# (Serial, the default of bin/vsd, and the others, should VSD_JAVA_OPTS pick one).
CPU_CATEGORIES = [
  ("kernel (self frame `_[k]`)", lambda fr: fr[-1].endswith("_[k]")),
  ("JIT compiler threads (C1/C2)", lambda fr: any("C2Compiler" in x or "C1Compiler" in x or "Compiler::compile" in x
                                                   for x in fr)),
  ("GC", lambda fr: any(re.search(r"GCTask|VM_GenCollect|VM_CollectFor|SerialHeap::|DefNewGeneration|TenuredGeneration|"
                                  r"SerialFullGC|G1|PSScavenge|PSParallelCompact|ZDriver|ZGeneration|Shenandoah", x)
                        for x in fr)),
  ("exception construction (fillInStackTrace, Throwable.<init>)",
   lambda fr: any("fillInStackTrace" in x or "fill_in_stack_trace" in x or "Throwable.<init>" in x for x in fr)),
  ("Netty (io/netty/ in the stack)", lambda fr: any(x.startswith("io/netty/") for x in fr)),
  ("Vert.x (io/vertx/ in the stack)", lambda fr: any(x.startswith("io/vertx/") for x in fr)),
  ("vsd (io/vsd/ in the stack)", lambda fr: any(x.startswith("io/vsd/") for x in fr)),
]
TOP = 15


def pct(n, total):
  return f"{100.0 * n / total:.1f} %" if total else "–"


def frame(x):
  return "`" + x[:200].replace("|", "\\|").replace("`", "'") + "`"


EXCEPTION_INIT = re.compile(r"(Exception|Error|Throwable)\.<init>")


def exception_sites(stacks, total, unit):
  """Which exception is built, from where: the outermost constructor of the chain that reaches
  Throwable.<init>, and the frame that called it."""
  sites = collections.Counter()
  for fr, n in stacks:
    i = next((i for i, x in enumerate(fr) if x.startswith("java/lang/Throwable.<init>")), None)
    if i is None:
      continue
    while i > 0 and EXCEPTION_INIT.search(fr[i - 1]):
      i -= 1
    caller = fr[i - 1] if i > 0 else "?"
    vsd = next((x for x in reversed(fr[:i]) if x.startswith("io/vsd/")), None)
    sites[f"{fr[i].rsplit('.', 1)[0]} ← {caller}" + (f" ← … {vsd}" if vsd and vsd != caller else "")] += n
  rows = [f"| {pct(n, total)} | {frame(x)} |" for x, n in sites.most_common(5) if n >= total / 1000]
  if not rows:
    return []
  return ["", f"Exceptions constructed (share of {unit}; exception ← the frame that built it ← … the nearest vsd "
          "frame):", "", "| % | site |", "|---:|---|"] + rows


def summarise_cpu(stacks):
  total = sum(n for _, n in stacks)
  lines = [f"{total} samples, one per {INTERVAL} of CPU.", "", "| share of samples | % |", "|---|---:|"]
  for label, match in CPU_CATEGORIES:
    lines.append(f"| {label} | {pct(sum(n for fr, n in stacks if match(fr)), total)} |")
  self_counts, syscalls = collections.Counter(), collections.Counter()
  for fr, n in stacks:
    self_counts[fr[-1]] += n
    if fr[-1].endswith("_[k]"):
      # The system call the kernel time was spent in. On loopback the sender's sendto/write also runs the
      # receiver's side of TCP (softirq inline), so the peers' receive path shows up here too.
      call = next((x for x in fr if re.match(r"__(x64|arm64)_sys_", x)), None)
      syscalls[re.sub(r"^__(x64|arm64)_sys_|_\[k\]$", "", call) if call else "(no system call: interrupts, entry)"] += n
  lines += ["", "Kernel time by system call:", "", "| % | system call |", "|---:|---|"]
  lines += [f"| {pct(n, total)} | {frame(x) if x[0] != '(' else x} |" for x, n in syscalls.most_common(8)
            if n >= total / 1000]
  lines += ["", f"Top {TOP} self frames (where the CPU was when sampled):", "", "| % | frame |", "|---:|---|"]
  lines += [f"| {pct(n, total)} | {frame(x)} |" for x, n in self_counts.most_common(TOP)]
  return lines + exception_sites(stacks, total, "samples")


def summarise_alloc(stacks, requests):
  """The last frame of an allocation stack is the allocated class (`_[i]`: in a new TLAB, `_[k]`: outside
  one); the frame before it is the allocation site."""
  total = sum(n for _, n in stacks)
  lines = [f"{total / 2 ** 20:.0f} MiB allocated in the profile (estimated from samples), "
           f"≈ {total / requests / 1024:.1f} KiB per request.", "",
           "| share of bytes | % |", "|---|---:|"]
  for label, match in CPU_CATEGORIES[3:]:
    lines.append(f"| {label} | {pct(sum(n for fr, n in stacks if match(fr)), total)} |")
  types, sites = collections.Counter(), collections.Counter()
  for fr, n in stacks:
    types[re.sub(r"_\[[ik]\]$", "", fr[-1])] += n
    # The allocating Java frame: arrays are allocated through HotSpot's runtime (OptoRuntime::new_array_C,
    # TypeArrayKlass::allocate_common, ...), whose frames say nothing about who allocated.
    sites[next((x for x in reversed(fr[:-1]) if "/" in x and "::" not in x), "?")] += n
  lines += ["", f"Top {TOP} allocated classes:", "", "| % | class |", "|---:|---|"]
  lines += [f"| {pct(n, total)} | {frame(x)} |" for x, n in types.most_common(TOP)]
  lines += ["", f"Top {TOP} allocation sites:", "", "| % | frame |", "|---:|---|"]
  lines += [f"| {pct(n, total)} | {frame(x)} |" for x, n in sites.most_common(TOP)]
  return lines + exception_sites(stacks, total, "bytes")


def git_head():
  try:
    r = run(["git", "-C", ROOT, "log", "-1", "--format=%h %cs"], timeout=10)
    # The director's sources only: this script's own outputs (docs/flamegraphs) and bench/ are not vsd.
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench", ":!docs"],
                timeout=10).stdout.strip()
    return r.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
  except (OSError, subprocess.SubprocessError):
    return "?"


def summary(results, loads, java_opts):
  lines = ["# vsd under load: async-profiler", "",
           f"Written by `bench/profile-vsd.sh` on {time.strftime('%Y-%m-%d %H:%M')}, vsd {git_head()}, "
           f"{os.cpu_count()} cores, load average {min(loads):.1f}–{max(loads):.1f} during the run. "
           f"wrk -t{WRK_THREADS} -c{WRK_CONNS} through one wrr service to two nginx real servers on loopback; "
           f"the profiler attached after a warm-up with the same load (at least {WARMUP} s, longer while the JIT "
           f"compilers were still busy, at most {WARMUP_MAX} s), for {SECONDS} s. "
           f"Director JVM options: {java_opts}. wrk, nginx and the director share the cores, so the req/s are "
           "those of this machine, not vsd's ceiling.", "",
           "Director CPU is its process's user + system time over the profiled run (/proc/PID/stat); the JIT "
           "compilers' part is that of its compiler threads (/proc/PID/task), the CPU the director would take "
           "once compiled is the rest.", "",
           "| profile | load | warm-up | req/s | director CPU per request | of which JIT compilers | without them | "
           "flame graph |", "|---|---|---:|---:|---:|---:|---:|---|"]
  for r in results:
    lines.append(f"| {r['name']} ({r['event']}) | {r['load']} | {r['warmup']} s | {r['rps']:.0f} | {r['cpu_us_per_req']:.1f} µs | "
                 f"{100 * r['jit_share']:.0f} % | {r['cpu_us_per_req'] * (1 - r['jit_share']):.1f} µs | "
                 f"[{r['name']}.html]({r['name']}.html) |")
  if any(r["errors"] for r in results):
    lines += ["", "wrk errors: " + ", ".join(f"{r['name']} {r['errors']}" for r in results if r["errors"])]
  for r in results:
    stacks = read_collapsed(r["collapsed"])
    lines += ["", f"## {r['name']}: {r['load']}, {'CPU' if r['event'] == 'cpu' else 'allocations'}", ""]
    lines += summarise_cpu(stacks) if r["event"] == "cpu" else summarise_alloc(stacks, r["requests"])
  return "\n".join(lines) + "\n"


def main():
  for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, on_signal)
  docs = "--docs" in sys.argv[1:]
  if not AGENT or not os.path.isfile(AGENT):
    raise SystemExit("profile_vsd.py: run it through bench/profile-vsd.sh (PROFILE_AGENT is not the agent)")
  if os.path.isdir(WORK):
    shutil.rmtree(WORK)
  os.makedirs(os.path.join(WORK, "tmp"))
  t0 = time.monotonic()
  loads = [loadavg()]
  results = []
  try:
    log(f"real servers: nginx on 127.0.0.1:{BACKENDS[0]} and :{BACKENDS[1]}")
    nginx = start("backends", ["nginx", "-p", WORK, "-c", backends_conf()])
    for port in BACKENDS:
      wait_port(port, "nginx", nginx)
    state_dir = os.path.join(WORK, "vsd-state")
    os.makedirs(state_dir)
    # The agent is loaded into the running JVM, which JDK 21+ allows only with this flag (JEP 451). No AOT
    # cache: bin/vsd would otherwise record one on this run and assemble it on the way out, and only the
    # steady state is profiled here, where the cache changes nothing.
    env = dict(os.environ, VSD_AOT="0",
               JDK_JAVA_OPTIONS=(os.environ.get("JDK_JAVA_OPTIONS", "") + " -XX:+EnableDynamicAgentLoading").strip())
    log(f"vsd: one wrr service on 127.0.0.1:{SERVICE}")
    vsd = start("vsd", [os.path.join(ROOT, "bin", "vsd"), "--config", vsd_conf(state_dir)], env=env)
    deadline = time.monotonic() + 60
    while not forwards(SERVICE):
      if vsd.poll() is not None:
        raise RuntimeError(f"vsd exited with {vsd.returncode}; see {WORK}/vsd.log")
      if time.monotonic() > deadline:
        raise RuntimeError(f"vsd forwarded nothing within 60 s; see {WORK}/vsd.log")
      time.sleep(0.1)
    with open(f"/proc/{vsd.pid}/comm") as f:  # bin/vsd execs the JVM: the process started is the director
      if f.read().strip() != "java":
        raise RuntimeError(f"process {vsd.pid} is not the director's JVM")
    for name, close, event, warmup in RUNS:
      loads.append(loadavg())
      results.append(profile_run(vsd.pid, name, close, event, warmup))
      loads.append(loadavg())
  finally:
    stop_all()
  text = summary(results, loads, os.environ.get("VSD_JAVA_OPTS", "bin/vsd's (-Xms16m -Xmx256m -XX:+UseSerialGC)"))
  write(os.path.join(WORK, "summary.md"), text)
  print(text)
  log(f"written: {os.path.relpath(WORK, ROOT)}/summary.md and the flame graphs "
      + ", ".join(os.path.basename(r["html"]) for r in results) + f" ({time.monotonic() - t0:.0f} s)")
  if docs:
    os.makedirs(DOCS, exist_ok=True)
    for r in results:
      shutil.copy(r["html"], DOCS)
    shutil.copy(os.path.join(WORK, "summary.md"), DOCS)
    log(f"copied to {os.path.relpath(DOCS, ROOT)}/")


if __name__ == "__main__":
  try:
    main()
  except RuntimeError as e:
    log(f"profile-vsd: {e}")
    sys.exit(1)
