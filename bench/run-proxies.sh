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
source "$here/lib.sh"

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
bench_install run-proxies "${need[@]}"
bench_build run-proxies

# Each idle proxied connection takes two descriptors in the proxy: use the whole hard limit.
ulimit -n "$(ulimit -Hn)"
exec /usr/bin/python3 "$here/proxies.py" "$@"
