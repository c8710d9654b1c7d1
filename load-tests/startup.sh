#!/usr/bin/env bash
# Start time and idle RSS of the shipped image layout against a plain `java -jar`, median of
# ROUNDS (default 5) interleaved rounds, memory store. Builds target/image/ first if it is missing
# (mvn -B -Pimage package -DskipTests). Prints a Markdown table (the README's figures).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JAVA=$(find_java)
cd "$SERVICE_ROOT"
[ -x target/image/bin/session-presence ] || mvn -B -q -Pimage package -DskipTests
"$JAVA" "$LOAD_DIR/src/test/java/io/sessionpresence/load/tools/Startup.java" \
  target/image target/session-presence-0.1.0-SNAPSHOT.jar "$JAVA" "${ROUNDS:-5}"
