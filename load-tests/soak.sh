#!/usr/bin/env bash
# Soak: a long mixed load (SOCKETS realtime connections, half /ws and half Socket.IO, each
# heart-beating every 10 s, plus an HTTP mix of RATE requests/s: login, validates, heartbeat,
# refresh, logout, anonymous heartbeats) against the built service, sampling every WINDOW
# seconds its heap after a full GC, threads, file descriptors, RSS and the window's p99.
# Prints one Markdown row per window; with ASSERT=1 fails unless they stay flat (see Soak.java).
# The service runs with the image launcher's options for a container with a 256 MiB heap
# (SERVICE_JAVA_OPTS to change them), so that RSS means what it would in production.
#   load-tests/soak.sh                       10 minutes, 1,000 sockets, memory store
#   STORE=redis load-tests/soak.sh           the same on a Redis it starts
#   DURATION=60 WINDOW=10 ASSERT=1 load-tests/soak.sh   the CI version (smoke.sh runs it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap stop_all EXIT INT TERM

DURATION=${DURATION:-600}
WINDOW=${WINDOW:-60}
SOCKETS=${SOCKETS:-1000}
RATE=${RATE:-200}
STORE=${STORE:-memory}
JAVA=$(find_java)
export SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Xss512k}

[ -f "$SERVICE_JAR" ] || build_service
redis_url=""
if [ "$STORE" = redis ]; then
  redis_port=$(free_port)
  start_redis "$redis_port"
  redis_url="redis://127.0.0.1:$redis_port"
fi
SERVICE_LOG=${SERVICE_LOG:-$(mktemp)} start_service "$STORE" "$redis_url"
log "soak: $DURATION s, $SOCKETS sockets, $RATE req/s, $STORE store, a sample every $WINDOW s"
"$JAVA" "$LOAD_DIR/src/test/java/io/sessionpresence/load/tools/Soak.java" "http://127.0.0.1:$SERVICE_PORT" \
  "$SERVICE_PID" "$DURATION" "$WINDOW" "$SOCKETS" "$RATE" ${ASSERT:+--assert}
