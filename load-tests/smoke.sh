#!/usr/bin/env bash
# CI smoke of the load-test suite (about 20 s of load): compiles the simulations, starts the
# built service (memory store, JDK 25, a free port), runs SessionLifecycle and HeartbeatStorm
# briefly with their correctness assertions on (no failed request, every response check), and
# stops the service. Speed targets are left to run.sh (-DassertSpeed=false): CI machines are
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
log "smoke: passed"
