#!/usr/bin/env bash
# Memory-store session create with many live sessions, per garbage collector: the shipped image
# (target/image, built if missing) started as in a container with LIMIT of memory
# (-XX:MaxRAM; the launcher gives the heap 40% of it), once per collector in GCS. For each:
# CreateAtScale fills SESSIONS sessions as fast as 64 connections go, then a second Gatling run
# creates RATE sessions/s (WARMUP s for its own JIT, then DURATION s measured). Prints a Markdown
# row per collector: the measured phase's create p50/p99/max as the client saw them, the
# service's own p99 (its request-time histogram, read before and after: the bucket holding it),
# the GC pauses within the phase (-Xlog:gc, gc+phases: count, longest, total), the fill's
# creates/s, the heap after the last collection and the RSS at the end. Results in RESULTS/<gc>/.
#   load-tests/scale.sh                                 # 1M sessions, 6 GiB, serial parallel g1 zgc
#   GCS="serial g1" SESSIONS=200000 LIMIT=1g load-tests/scale.sh
#   GCS=g1 GC_OPTS=-XX:MaxGCPauseMillis=20 load-tests/scale.sh      # more JVM options for each run
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap stop_all EXIT
trap 'exit 1' INT TERM

SESSIONS=${SESSIONS:-1000000}
RATE=${RATE:-500}
WARMUP=${WARMUP:-15}
DURATION=${DURATION:-60}
# 1M sessions hold ~1.1 GB of heap (~1.2 KB each) and the store admits new entries up to half
# the heap (store.memory.max-bytes): a 2.4 GB heap.
LIMIT=${LIMIT:-6g}
GCS=${GCS:-"serial parallel g1 zgc"}
RESULTS=${RESULTS:-"$LOAD_DIR/results/$(date -u +%Y-%m-%d)-scale"}
SERVICE_LAUNCHER=image
JAVA=$(find_java); export JAVA

[ -x "$SERVICE_ROOT/target/image/bin/session-presence" ] || build_service
build_tools
mkdir -p "$RESULTS"

# pauses GC_LOG FROM_MS TO_MS -> "count longest_ms total_ms" of the pauses logged in that window
# (-Xlog decorated with timemillis; Serial, Parallel and G1 log "Pause ... 12.345ms" under gc,
# ZGC its "Pause Mark Start ..." under gc+phases).
pauses() {
  awk -v from="$2" -v to="$3" '
    /Pause/ {
      t = $0; sub(/^\[/, "", t); sub(/ms\].*/, "", t)
      if (t + 0 < from || t + 0 > to) next
      d = $NF; ms = d ~ /ms$/ ? d + 0 : (d ~ /s$/ ? d * 1000 : 0)
      n++; total += ms; if (ms > max) max = ms
    }
    END { printf "%d %.1f %.0f\n", n, max, total }' "$1"
}

# create_buckets BASE_URL -> the create route's cumulative request-time buckets, "le count" per line.
create_buckets() {
  curl -s "$1/observe/metrics" \
    | sed -n 's/^session_presence_http_requests_seconds_bucket{.*route="\/api\/session\/create".*le="\([^"]*\)".*} \(.*\)$/\1 \2/p'
}

# service_p99 BEFORE AFTER -> "≤ N ms": the bucket holding the 99th percentile of the requests between.
service_p99() {
  join <(sort "$1") <(sort "$2") | awk '{ n = $3 - $2; le[NR] = $1; c[NR] = n; if ($1 == "+Inf") total = n }
    END { best = "+Inf"; for (i in le) if (le[i] != "+Inf" && c[i] >= 0.99 * total && (best == "+Inf" || le[i] + 0 < best + 0)) best = le[i]
          if (best == "+Inf") print "> 1 s"; else printf "≤ %g ms\n", best * 1000 }'
}

echo "| GC ($LIMIT limit${GC_OPTS:+, $GC_OPTS}, $SESSIONS sessions, $RATE creates/s) | create p50 | p99 | max (ms) | KO | service p99 | pauses | longest | total (ms) | fill creates/s | heap after the last GC | RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for gc in $GCS; do
  case $gc in
    serial) flag=-XX:+UseSerialGC ;; parallel) flag=-XX:+UseParallelGC ;;
    g1) flag=-XX:+UseG1GC ;; zgc) flag=-XX:+UseZGC ;;
    *) log "unknown GC $gc (serial, parallel, g1, zgc)"; exit 2 ;;
  esac
  dir="$RESULTS/$gc"; rm -rf "${dir:?}"; mkdir -p "$dir/fill"
  SERVICE_JAVA_OPTS="-XX:MaxRAM=$LIMIT $flag ${GC_OPTS:-} -Xlog:gc,gc+phases=info:file=$dir/gc.log:timemillis" \
      SERVICE_LOG="$dir/service.log" LIMITS_ENABLED=false LOGGING_ACCESS_LOG=false start_service memory
  base="http://127.0.0.1:$SERVICE_PORT"
  log "$gc: filling $SESSIONS sessions"
  gatling CreateAtScale "$base" -DmetricsDir="$dir/fill" -Dsessions="$SESSIONS" -Drate=0 -Dconnections=64 \
      >"$dir/fill/CreateAtScale.log" 2>&1 || true
  create_buckets "$base" >"$dir/buckets-before.txt"
  log "$gc: $RATE creates/s for $WARMUP + $DURATION s"
  gatling CreateAtScale "$base" -DmetricsDir="$dir" -Dsessions=0 -Drate="$RATE" -Dwarmup="$WARMUP" \
      -Dduration="$DURATION" >"$dir/CreateAtScale.log" 2>&1 || true
  create_buckets "$base" >"$dir/buckets-after.txt"
  rss=$(( $(rss_kb "$SERVICE_PID") / 1024 ))
  stop_pid "$SERVICE_PID"
  if ! keep_report "$dir/fill/CreateAtScale.log" "$dir/fill/CreateAtScale.report.html" \
      || ! keep_report "$dir/CreateAtScale.log" "$dir/CreateAtScale.report.html"; then
    echo "| $gc | no report: see $dir/fill/CreateAtScale.log and $dir/CreateAtScale.log |"; continue
  fi
  read -r _ fill_ko fill_rate _ <<<"$(tool Summary request "$dir/fill" CreateAtScale fill/create)"
  read -r _ ko _ p50 p99 max _ from to <<<"$(tool Summary request "$dir" CreateAtScale rate/create)"
  read -r count longest total <<<"$(pauses "$dir/gc.log" "$from" "$to")"
  heap=$(grep -oE '[0-9]+M(\([0-9]+%\))?->[0-9]+M(\([0-9]+(M|%)\))?' "$dir/gc.log" | tail -n 1 | sed 's/.*->//')
  [ "$fill_ko" = 0 ] || fill_rate="$fill_rate ($fill_ko refused)"
  echo "| $gc | $p50 | $p99 | $max | $ko | $(service_p99 "$dir/buckets-before.txt" "$dir/buckets-after.txt") | $count | $longest | $total | $fill_rate | ${heap:-?} | $rss MiB |"
done
