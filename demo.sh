#!/usr/bin/env bash
# Builds the SDK and runs the fleet demo. Arguments are passed to the demo
# (for example --devices 50 --workdir /tmp/fleet).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install
jar=samples/demo/target/ota-demo.jar
if [ ! -f "$jar" ]; then
  echo "demo: the SDK is built, but the fleet demo does not exist yet ($jar is missing)." >&2
  exit 1
fi
exec java -jar "$jar" "$@"
