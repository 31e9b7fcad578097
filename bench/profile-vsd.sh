#!/usr/bin/env bash
# Where vsd's TCP data plane spends its CPU (issue 7: "show what bounds it"): async-profiler flame graphs of
# the director under wrk load, one command, about 2 minutes:
#   bench/profile-vsd.sh [--docs]
# Installs what it needs from Debian's packages (nginx, wrk, curl, unzip), builds vsd when a source is newer
# than its jar (mvn package, never install), fetches async-profiler 4.1 from Maven Central into
# bench/target/async-profiler (a tool, not a dependency of any module), then runs bench/profile_vsd.py: nginx
# as two real servers and vsd in front of them on 127.0.0.1:186xx, wrk with connection-close and keep-alive
# load, the profiler attached to the running director with jcmd. Writes bench/target/profile/: the flame
# graphs close-cpu.html, keepalive-cpu.html, close-alloc.html, their collapsed stacks, and summary.md (also
# printed). --docs copies the flame graphs and the summary to docs/flamegraphs/.
# Settings (environment): PROFILE_WARMUP (20 s of each load before the profiler starts), PROFILE_SECONDS (10 s
# profiled), PROFILE_INTERVAL (997us of CPU between samples), VSD_JAVA_OPTS (bin/vsd's JVM flags).
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
source "$here/../bin/common.sh"
source "$here/lib.sh"

for arg in "$@"; do
  case "$arg" in
    --docs) ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile-vsd: unknown argument: $arg (usage: bench/profile-vsd.sh [--docs])" >&2; exit 2 ;;
  esac
done

need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
[ -x /usr/bin/python3 ] || need+=(python3)
bench_install profile-vsd "${need[@]}"
bench_build profile-vsd

# async-profiler's jar on Maven Central carries the native agent for each platform; only the agent is used.
case "$(uname -m)" in
  x86_64) platform=linux-x64 ;;
  aarch64) platform=linux-arm64 ;;
  *) echo "profile-vsd: async-profiler 4.1 has no agent for $(uname -m)" >&2; exit 1 ;;
esac
ap_version=4.1
ap_dir="$VSD_HOME/bench/target/async-profiler"
ap_lib="$ap_dir/$platform/libasyncProfiler.so"
if [ ! -f "$ap_lib" ]; then
  echo "profile-vsd: fetching async-profiler $ap_version from Maven Central..." >&2
  mkdir -p "$ap_dir"
  # -N: the goal runs once, at the root, not in each module. Maven's own warnings (JDK 25 and its Guava) are
  # kept out of sight unless it fails.
  if ! (cd "$VSD_HOME" && mvn -q -B -N dependency:copy -Dartifact="tools.profiler:async-profiler:$ap_version" \
      -DoutputDirectory="$ap_dir") > "$ap_dir/mvn.log" 2>&1; then
    cat "$ap_dir/mvn.log" >&2; echo "profile-vsd: could not fetch async-profiler" >&2; exit 1
  fi
  unzip -o -q "$ap_dir/async-profiler-$ap_version.jar" "$platform/libasyncProfiler.so" -d "$ap_dir"
  [ -f "$ap_lib" ] || { echo "profile-vsd: $ap_lib is not in the jar" >&2; exit 1; }
fi

export PROFILE_AGENT="$ap_lib"
exec /usr/bin/python3 "$here/profile_vsd.py" "$@"
