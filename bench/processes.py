"""What bench/'s Python harnesses share: a log line, small file helpers, and the processes they start, each in a session of its
own so that its workers go with it, all killed on exit (also on failure or Ctrl-C)."""
import os
import signal
import subprocess
import sys
import time

WORK = None  # set by the harness: each process's output goes to WORK/NAME.log
children = []  # every Popen started here, killed on exit


def log(msg):
  print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def start(name, argv, **kw):
  out = open(os.path.join(WORK, name + ".log"), "ab")
  p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       start_new_session=True, **kw)
  children.append(p)
  return p


def stop(p, grace=10.0):
  """SIGTERM to the process group it leads (nginx has workers), SIGKILL after the grace period."""
  for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
    try:
      os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
      break  # the whole group is gone
    try:
      p.wait(wait)
      # The leader is gone; its workers may not be: the next round sends them SIGKILL.
      if sig == signal.SIGKILL:
        break
    except subprocess.TimeoutExpired:
      continue
  if p in children:
    children.remove(p)


def stop_all(grace=10.0):
  for p in reversed(list(children)):
    try:
      stop(p, grace)
    except Exception as e:  # keep killing the others
      log(f"could not stop {p.pid}: {e}")


def on_signal(signum, _frame):
  log(f"signal {signum}: stopping everything started here")
  raise SystemExit(128 + signum)


def run(argv, timeout):
  return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


def loadavg():
  with open("/proc/loadavg") as f:
    return float(f.read().split()[0])


def write(path, text):
  with open(path, "w") as f:
    f.write(text)
  return path
