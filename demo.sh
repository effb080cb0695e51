#!/usr/bin/env bash
# Builds the SDK and runs the fleet demo. Arguments are passed to the demo
# (for example --devices 50 --workdir /tmp/fleet); see --help.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install
exec java -jar samples/demo/target/ota-demo.jar "$@"
