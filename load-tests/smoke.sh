#!/usr/bin/env bash
# CI smoke of the load-test suite (about 20 s of load, then a 60 s soak): compiles the
# simulations, starts the built service (memory store, JDK 25, a free port), runs SessionLifecycle
# and HeartbeatStorm briefly with their correctness assertions on (no failed request, every
# response check), stops the service, then runs soak.sh for 60 s with 1,000 sockets and its
# flatness assertions (heap after GC, threads, descriptors, p99; see soak.sh). Speed targets are left to run.sh (-DassertSpeed=false): CI machines are
# shared, and speed is measured, not asserted, outside the benchmark run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap stop_all EXIT INT TERM

[ -f "$SERVICE_JAR" ] || build_service
SERVICE_LOG=$(mktemp) start_service memory
base="http://127.0.0.1:$SERVICE_PORT"
common=(-DassertSpeed=false -Dconnections=16 -DmetricsDir="$LOAD_DIR/target/smoke-metrics")

log "smoke: SessionLifecycle"
gatling SessionLifecycle "$base" "${common[@]}" -Dwarmup=2 -Dduration=8 -Drate=20
log "smoke: HeartbeatStorm"
gatling HeartbeatStorm "$base" "${common[@]}" -Dwarmup=1 -Dduration=3 -Dusers=1000 -Dperiod=2
stop_all
log "smoke: 60 s soak"
DURATION=60 WINDOW=10 ASSERT=1 bash "$LOAD_DIR/soak.sh"
log "smoke: passed"
