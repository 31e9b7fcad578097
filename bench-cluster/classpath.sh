#!/usr/bin/env bash
# Builds the project (tests compiled, not run; nothing installed) and prints the director's test class path:
# what bench-cluster/run.sh and docs/cluster.md's subscriber example run with.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/common.sh"
cd "$VSD_HOME"
out="$VSD_HOME/director/target/test-classpath.txt"
mvn -q -B -DskipTests package dependency:build-classpath -pl director -am \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out" >&2
echo "$VSD_HOME/director/target/test-classes:$VSD_HOME/director/target/classes:$(cat "$out")"
