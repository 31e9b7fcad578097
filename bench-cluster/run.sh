#!/usr/bin/env bash
# The cluster propagation benchmark (issue 5's 50 ms goal; docs/performance.md):
#   bench-cluster/run.sh [--rounds 500] [--warmup 100]
# Starts two directors as processes on loopback and measures, for each change made on A, the time from A's
# 2xx until B serves its next new connection with it. Takes about a minute; run it on an idle machine.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
cp="$("$here/classpath.sh")"
source "$here/../bin/common.sh"
exec "$JAVA_HOME/bin/java" -cp "$cp" io.vsd.director.cluster.PropagationBenchmark "$@"
