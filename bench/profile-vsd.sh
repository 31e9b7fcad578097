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
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "profile-vsd: please install: ${need[*]}" >&2; exit 1
  fi
  echo "profile-vsd: installing ${need[*]}" >&2
  # Debian's nginx package starts its system service on install (nginx on :80); a policy-rc.d that says no
  # keeps it stopped. Ours is removed again; one that was there is left alone.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >&2 || rc=$?
  [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { echo "profile-vsd: apt-get failed" >&2; exit 1; }
fi

# Builds like bin/vsd would, but with `package`: bin/vsd's own build would install into ~/.m2.
if vsd_needs_build; then
  echo "profile-vsd: building vsd (mvn package, tests skipped)..." >&2
  (cd "$VSD_HOME" && mvn -q -B -DskipTests package) >&2 || { echo "profile-vsd: the build failed" >&2; exit 1; }
  touch "$VSD_JAR"  # Maven keeps a jar whose classes did not change
fi
if vsd_needs_build; then echo "profile-vsd: vsd still looks older than its sources" >&2; exit 1; fi

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
