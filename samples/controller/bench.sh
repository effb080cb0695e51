#!/usr/bin/env bash
# Check-in benchmark of the reference controller (not a test): starts the controller with the
# embedded store and with PostgreSQL (127.0.0.1:5432, database test, user postgres), drives it
# with wrk in a separate process and writes its section of docs/benchmarks.md.
# Needs: wrk, a local PostgreSQL, and the SDK installed (mvn -B -q -DskipTests install).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl samples/controller test-compile
mvn -B -q -pl samples/controller dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp=$(cat samples/controller/target/bench-classpath.txt)
exec java -Dlogback.configurationFile=config/logback-test.xml -cp "samples/controller/target/test-classes:samples/controller/target/classes:$cp" \
  org.edgeota.samples.controller.bench.CheckInBenchmark --write docs/benchmarks.md "$@"
