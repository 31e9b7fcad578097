#!/usr/bin/env bash
# Measures one pick of every scheduler at 10, 100 and 1000 real servers, with JMH's allocation profiler and
# the CPU time of the benchmark thread per pick (io.vsd.bench.CpuTimeProfiler: wall-clock time counts waiting for a core).
# About 4 minutes on 2 cores. Extra arguments go to JMH, e.g. a regexp or -p scheduler=mh,chb -p servers=1000.
# Results: the table on standard output, and bench/target/schedulers.json.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../bin/common.sh"
cd "$VSD_HOME"
mvn -q -B -DskipTests -pl bench -am package
exec java -cp "bench/target/classes:$(cat bench/target/benchmark.classpath)" org.openjdk.jmh.Main \
  -prof gc -prof io.vsd.bench.CpuTimeProfiler -rf json -rff bench/target/schedulers.json "$@" SchedulerPickBenchmark
