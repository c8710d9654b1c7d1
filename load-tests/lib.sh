# Shared by run.sh and smoke.sh (sourced, not run): find JDK 25, pick free ports, start and stop
# the service and Redis. Everything started is recorded in STARTED_PIDS and stopped by stop_all.

LOAD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$LOAD_DIR")
# The service to build and measure: this checkout, or another one (SERVICE_ROOT=/path/to/checkout).
SERVICE_ROOT=${SERVICE_ROOT:-$ROOT_DIR}
SERVICE_JAR="$SERVICE_ROOT/target/session-presence-0.1.0-SNAPSHOT.jar"
ADMIN_TOKEN_FOR_LOAD=${ADMIN_TOKEN_FOR_LOAD:-load-admin-token}
STARTED_PIDS=()

log() { printf '[load %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# A JDK >= 25: $JAVA, else /usr/lib/jvm/*, else java on PATH.
find_java() {
  if [ -n "${JAVA:-}" ]; then echo "$JAVA"; return; fi
  local candidate
  for candidate in /usr/lib/jvm/*/bin/java $(command -v java 2>/dev/null); do
    [ -x "$candidate" ] || continue
    local feature
    feature=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$feature" ] && [ "${feature%%.*}" -ge 25 ] 2>/dev/null; then echo "$candidate"; return; fi
  done
  echo "no JDK 25 found (set JAVA=/path/to/bin/java)" >&2
  return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nobody listens on, below the kernel's ephemeral range (a port an outgoing connection
# holds cannot be bound either, and a connect test does not see it).
free_port() {
  local low=${EPHEMERAL_LOW:-$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)}
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % (low - 20000) ))
    port_in_use "$port" || { echo "$port"; return; }
  done
  echo "no free port found" >&2
  return 1
}

# wait_http URL SECONDS [PID]: until URL answers 2xx; fails early when PID has exited.
wait_http() {
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then log "process $3 exited before $1 answered"; return 1; fi
    [ "$(date +%s)" -lt "$deadline" ] || { log "no answer from $1 after $2 s"; return 1; }
    sleep 0.2
  done
}

# How the service is started: "jar" (java -jar on a JDK 25) or "image" (the shipped layout,
# target/image/bin/session-presence: jlink runtime, AOT cache, the launcher's JVM options).
SERVICE_LAUNCHER=${SERVICE_LAUNCHER:-jar}

build_service() {
  if [ "$SERVICE_LAUNCHER" = image ]; then
    log "building the service and its image layout (mvn -Pimage package -DskipTests)"
    (cd "$SERVICE_ROOT" && mvn -B -q -Pimage package -DskipTests)
  else
    log "building the service (mvn package -DskipTests)"
    (cd "$SERVICE_ROOT" && mvn -B -q package -DskipTests)
  fi
}

# Compiles the simulations and tools (load-tests/src/test) and keeps their classpath for tool.
build_tools() {
  log "compiling the simulations"
  mvn -B -q -f "$LOAD_DIR/pom.xml" test-compile dependency:build-classpath \
      -Dmdep.outputFile="$LOAD_DIR/target/classpath.txt" -Dmdep.includeScope=test >/dev/null
  TOOLS_CP="$LOAD_DIR/target/test-classes:$(cat "$LOAD_DIR/target/classpath.txt")"
}

# keep_report GATLING_LOG DEST: copies the report page the Gatling run of that log wrote to DEST;
# fails when there is none (the run did not get that far).
keep_report() {
  local report
  report=$(sed -n 's#.*open the following file: file://\(.*\)/index.html#\1#p' "$1" | tail -n 1)
  [ -n "$report" ] && [ -f "$report/index.html" ] && cp "$report/index.html" "$2"
}

# tool NAME [ARGS...]: runs io.sessionpresence.load.tools.NAME (after build_tools).
tool() { "$(find_java)" --enable-native-access=ALL-UNNAMED -cp "$TOOLS_CP" "io.sessionpresence.load.tools.$1" "${@:2}"; }

# start_service STORE [REDIS_URL] [CLUSTER_NODES] -> sets SERVICE_PID and SERVICE_PORT (a free
# port; a second one is tried if another process took it first); logs to $SERVICE_LOG.
# CLUSTER_NODES (host:port,...) connects to a Redis Cluster instead (REDIS_CLUSTER_NODES; pass ""
# as REDIS_URL).
start_service() {
  local store=$1 redis_url=${2:-} cluster_nodes=${3:-}
  local command
  if [ "$SERVICE_LAUNCHER" = image ]; then
    # The launcher adds SERVICE_JAVA_OPTS (as JAVA_OPTS) to its own options.
    command=(env JAVA_OPTS="${SERVICE_JAVA_OPTS:-}" "$SERVICE_ROOT/target/image/bin/session-presence")
  else
    # shellcheck disable=SC2206 # SERVICE_JAVA_OPTS holds several options
    command=("$(find_java)" ${SERVICE_JAVA_OPTS:-} -jar "$SERVICE_JAR")
  fi
  SERVICE_LOG=${SERVICE_LOG:-/dev/null}
  for _ in 1 2 3; do
    SERVICE_PORT=$(free_port)
    (cd "$SERVICE_ROOT" && exec env PORT="$SERVICE_PORT" HOST=127.0.0.1 STORE="$store" REDIS_URL="$redis_url" \
        REDIS_CLUSTER_NODES="$cluster_nodes" ADMIN_TOKEN="$ADMIN_TOKEN_FOR_LOAD" "${command[@]}") >"$SERVICE_LOG" 2>&1 &
    SERVICE_PID=$!
    STARTED_PIDS+=("$SERVICE_PID")
    if wait_http "http://127.0.0.1:$SERVICE_PORT/observe/health/live" 90 "$SERVICE_PID"; then
      log "service ($store) pid $SERVICE_PID on port $SERVICE_PORT"
      return 0
    fi
    stop_pid "$SERVICE_PID"
  done
  return 1
}

# start_peer_express REDIS_URL -> sets SERVICE_PORT, SERVICE_PID: the express-session + connect-redis peer
# (peers/express) as a node:cluster of 2 processes; installs its npm packages (npm ci) when missing.
start_peer_express() {
  local redis_url=$1 peer="$LOAD_DIR/peers/express"
  if [ ! -f "$peer/node_modules/.package-lock.json" ] || [ "$peer/package-lock.json" -nt "$peer/node_modules/.package-lock.json" ]; then
    log "installing the express peer's npm packages (npm ci)"
    (cd "$peer" && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null)
  fi
  SERVICE_PORT=$(free_port)
  (cd "$peer" && exec env PORT="$SERVICE_PORT" WORKERS=2 REDIS_URL="$redis_url" node server.js) >"${SERVICE_LOG:-/dev/null}" 2>&1 &
  SERVICE_PID=$!
  STARTED_PIDS+=("$SERVICE_PID")
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERVICE_PORT/api/session/validate")" = 401 ] \
        && { log "express peer pid $SERVICE_PID on port $SERVICE_PORT"; return 0; }
    sleep 0.1
  done
  log "the express peer did not start"; return 1
}

# start_redis PORT -> sets REDIS_PID. Installs Debian's redis-server when missing.
start_redis() {
  local port=$1
  if ! command -v redis-server >/dev/null; then
    log "installing redis-server (apt)"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  REDIS_DIR=$(mktemp -d)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
      --daemonize no --loglevel warning >"$REDIS_DIR/redis.log" 2>&1 &
  REDIS_PID=$!
  STARTED_PIDS+=("$REDIS_PID")
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && { log "redis pid $REDIS_PID on port $port"; return; }
    sleep 0.1
  done
  log "redis did not start"; return 1
}

# start_redis_cluster N_MASTERS -> exports CLUSTER_NODES ("127.0.0.1:p1,...") and sets
# CLUSTER_PORTS and CLUSTER_PIDS (arrays) and CLUSTER_DIR (configs and logs): N redis-servers in
# cluster mode on free ports (each port and its cluster bus port, port + 10000, both below the
# ephemeral range and free), joined by `redis-cli --cluster create` with no replicas (every node
# a master, equal runs of slots); returns when every node says cluster_state:ok, covers the 16,384
# slots and knows the N of them. The pids are in STARTED_PIDS, so stop_all stops them.
start_redis_cluster() {
  local masters=$1 port node pid
  local low=${EPHEMERAL_LOW:-$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)}
  [ "$low" -gt 30100 ] || { log "the ephemeral range starts at $low: no room for cluster ports below it"; return 1; }
  CLUSTER_PORTS=()
  CLUSTER_PIDS=()
  CLUSTER_DIR=$(mktemp -d)
  for node in $(seq 1 "$masters"); do
    port=""
    for _ in $(seq 1 100); do
      local candidate=$(( 20000 + RANDOM % (low - 10000 - 20000) ))
      if ! port_in_use "$candidate" && ! port_in_use $(( candidate + 10000 )) \
          && [[ " ${CLUSTER_PORTS[*]} " != *" $candidate "* ]] \
          && [[ " ${CLUSTER_PORTS[*]} " != *" $(( candidate - 10000 )) "* ]] \
          && [[ " ${CLUSTER_PORTS[*]} " != *" $(( candidate + 10000 )) "* ]]; then
        port=$candidate; break
      fi
    done
    [ -n "$port" ] || { log "no free port pair for a cluster node"; return 1; }
    mkdir -p "$CLUSTER_DIR/$port"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$CLUSTER_DIR/$port" \
        --cluster-enabled yes --cluster-config-file "$CLUSTER_DIR/$port/nodes.conf" --cluster-node-timeout 5000 \
        --daemonize no --loglevel warning >"$CLUSTER_DIR/$port/redis.log" 2>&1 &
    pid=$!
    STARTED_PIDS+=("$pid")
    CLUSTER_PIDS+=("$pid")
    CLUSTER_PORTS+=("$port")
  done
  for port in "${CLUSTER_PORTS[@]}"; do
    for _ in $(seq 1 100); do
      [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
      sleep 0.1
    done
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] || { log "cluster node $port did not start"; return 1; }
  done
  local addresses=()
  for port in "${CLUSTER_PORTS[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >"$CLUSTER_DIR/create.log" 2>&1 \
      || { log "redis-cli --cluster create failed (see $CLUSTER_DIR/create.log)"; return 1; }
  local deadline=$(( $(date +%s) + 30 )) ready
  while :; do
    ready=0
    for port in "${CLUSTER_PORTS[@]}"; do
      local info
      info=$(redis-cli -p "$port" cluster info 2>/dev/null | tr -d '\r') || true
      if [[ "$info" == *"cluster_state:ok"* ]] && [[ "$info" == *"cluster_known_nodes:$masters"* ]] \
          && [[ "$info" == *"cluster_slots_ok:16384"* ]]; then
        ready=$(( ready + 1 ))
      fi
    done
    [ "$ready" -eq "$masters" ] && break
    [ "$(date +%s)" -lt "$deadline" ] || { log "the cluster is not ok after 30 s"; return 1; }
    sleep 0.2
  done
  CLUSTER_NODES=$(IFS=,; echo "${addresses[*]}")
  export CLUSTER_NODES
  log "redis cluster of $masters masters: $CLUSTER_NODES"
}

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

stop_all() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  STARTED_PIDS=()
}

# rss_kb PID: the process's resident set size.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# gatling SIMULATION BASE_URL [extra -D...]: runs one simulation; returns its exit code.
gatling() {
  local simulation=$1 base_url=$2; shift 2
  mvn -B -f "$LOAD_DIR/pom.xml" gatling:test \
      -Dgatling.simulationClass="io.sessionpresence.load.$simulation" \
      -DbaseUrl="$base_url" -DadminToken="$ADMIN_TOKEN_FOR_LOAD" "$@"
}
