# What bench/'s shell entry points share; sourced after bin/common.sh.

# bench_install WHO PACKAGE...: installs the Debian packages given, when any are given. Debian's nginx and
# haproxy packages start their system services on install (nginx on :80): a policy-rc.d that says no keeps
# them stopped. Ours is removed again; one that was there is left alone.
bench_install() {
  local who=$1; shift
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "$who: please install: $*" >&2; exit 1
  fi
  echo "$who: installing $*" >&2
  local guard="" rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >&2 || rc=$?
  [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { echo "$who: apt-get failed" >&2; exit 1; }
}

# bench_build WHO: builds vsd like bin/vsd would, but with `package`: a benchmark needs the jar, not the local
# repository, and a figure with a build in it is no figure, so vsd must be up to date afterwards.
bench_build() {
  local who=$1
  if vsd_needs_build; then
    echo "$who: building vsd (mvn package, tests skipped)..." >&2
    (cd "$VSD_HOME" && mvn -q -B -DskipTests package) >&2 || { echo "$who: the build failed" >&2; exit 1; }
    touch "$VSD_JAR"  # Maven keeps a jar whose classes did not change
  fi
  if vsd_needs_build; then echo "$who: vsd still looks older than its sources" >&2; exit 1; fi
}
