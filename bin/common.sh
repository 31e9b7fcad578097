# Shared by bin/vsd, bin/vsadm and bin/test: find the repository and a JDK 25, build when needed.
# shellcheck shell=bash
VSD_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

# The JDK's release file names its version; asking java itself costs a JVM start (~0.1 s, more under load).
java_major() {
  local v
  v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)"
  [ -n "$v" ] || v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  echo "$v"
}

# vsd needs JDK 25; this machine's default java is 17. Prefer $JAVA_HOME when it is new enough.
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  echo "vsd: JDK 25 or newer is needed; set JAVA_HOME to one (found: ${JAVA_HOME:-none})" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

VSD_LIB="$VSD_HOME/director/target/lib"
VSD_JAR="$VSD_HOME/director/target/vsd-director.jar"

# True when there is no jar, or a main source or a pom is newer than it. Left out: target/ (bench's generated
# JMH sources are written after the director's jar by every full build) and test sources (not in the jar,
# and Maven does not rewrite a jar whose classes did not change, so they would look newer for ever).
vsd_needs_build() {
  [ ! -f "$VSD_JAR" ] || [ -n "$(find "$VSD_HOME" \( -path "$VSD_HOME/.git" -o -name target \) -prune -o \
      \( -path '*/src/main/*' -o -name 'pom.xml' \) -type f -newer "$VSD_JAR" -print -quit)" ]
}

# Builds on first use, and again when a source file is newer than the last build.
vsd_build_if_needed() {
  if ! vsd_needs_build; then
    return 0
  fi
  echo "vsd: building (mvn package, tests skipped; bin/test runs them)..." >&2
  (cd "$VSD_HOME" && mvn -q -B -DskipTests package) >&2 || { echo "vsd: the build failed" >&2; exit 1; }
  touch "$VSD_JAR"  # the build is done as of now, even where Maven kept the old jar
}
