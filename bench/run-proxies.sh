#!/usr/bin/env bash
# vsd against HAProxy and nginx stream, in one run on loopback (issue 7, docs/performance.md):
#   bench/run-proxies.sh
# Installs what it needs from Debian's packages, builds vsd when a source is newer than its jar, then runs
# bench/proxies.py: backends, the three proxies, wrk / iperf3 / dnsperf interleaved, idle memory, start-up.
# About 4 minutes. Writes bench/target/proxies.md and the marked section of docs/performance.md.
# Settings (environment): BENCH_REPEATS (3), BENCH_SECONDS (3), BENCH_IDLE_CONNS (9000), BENCH_WRK_THREADS (1),
# BENCH_WRK_CONNS (32), BENCH_EVENT_LOOPS (Vert.x's default, 2 x cores), VSD_JAVA_OPTS (bin/vsd's JVM flags),
# BENCH_WARMUP (15 s through vsd), BENCH_NO_DOC=1 (leave docs/performance.md alone), BENCH_PROFILE=1 (JFR of vsd
# into bench/target/vsd-profile.txt).
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
source "$here/../bin/common.sh"

need=()
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || need+=(libnginx-mod-stream)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v iperf3 >/dev/null 2>&1 || need+=(iperf3)
command -v dnsperf >/dev/null 2>&1 || need+=(dnsperf)
command -v dig >/dev/null 2>&1 || need+=(bind9-dnsutils)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v lscpu >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/bin/python3 ] || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "run-proxies: please install: ${need[*]}" >&2; exit 1
  fi
  echo "run-proxies: installing ${need[*]}" >&2
  # Debian's nginx and haproxy packages start their system services on install (nginx on :80); a
  # policy-rc.d that says no keeps them stopped. Ours is removed again; one that was there is left alone.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >&2 || rc=$?
  [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { echo "run-proxies: apt-get failed" >&2; exit 1; }
fi

# Builds like bin/vsd would, but with `package`: the benchmark needs the jar, not the local repository.
if vsd_needs_build; then
  echo "run-proxies: building vsd (mvn package, tests skipped)..." >&2
  (cd "$VSD_HOME" && mvn -q -B -DskipTests package) >&2 || { echo "run-proxies: the build failed" >&2; exit 1; }
  touch "$VSD_JAR"  # Maven keeps a jar whose classes did not change
fi
# bin/vsd would build again (and its build installs): a start-up figure with a build in it is no figure.
if vsd_needs_build; then echo "run-proxies: vsd still looks older than its sources" >&2; exit 1; fi

# Each idle proxied connection takes two descriptors in the proxy: use the whole hard limit.
ulimit -n "$(ulimit -Hn)"
exec /usr/bin/python3 "$here/proxies.py" "$@"
