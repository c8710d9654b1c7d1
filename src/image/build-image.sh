#!/usr/bin/env bash
# Builds target/image/: what the container image holds, and what ImageIT starts.
#   runtime/   a jlink runtime with only the JDK modules the service uses (jdeps, plus the few
#              that reflection and Netty reach which jdeps cannot see)
#   app/       the service jar, its libraries (libs/) and a JDK 25 AOT cache (app.aot) trained
#              by a short scripted run of the real service
#   config/    application.yaml, every default (mount a ConfigMap over it to change them)
#   bin/session-presence   the launcher, with the shipped JVM options
# Called by `mvn -B -Pimage package` after the jar and target/libs exist. Needs a JDK 25 (found
# under /usr/lib/jvm, or JAVA_HOME) and curl. Usage: build-image.sh <jar>
set -euo pipefail
project=$(cd "$(dirname "$0")/../.." && pwd)
jar=$(readlink -f "$1")
image="$project/target/image"

jdk=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/jlink" ] && grep -qE '^JAVA_VERSION="(2[5-9]|[3-9][0-9])' "$candidate/release" 2>/dev/null; then
    jdk=$candidate
    break
  fi
done
[ -n "$jdk" ] || { echo "build-image: no JDK 25+ with jlink under JAVA_HOME or /usr/lib/jvm" >&2; exit 1; }

rm -rf "$image"
mkdir -p "$image/app" "$image/config" "$image/bin"
cp "$jar" "$image/app/session-presence.jar"
# Only the libraries the jar's manifest names: target/libs keeps jars of dependencies since removed.
mkdir -p "$image/app/libs"
manifest=$(mktemp -d)
(cd "$manifest" && "$jdk/bin/jar" --extract --file "$jar" META-INF/MANIFEST.MF)
sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\n //g' -e 's/\n //g' "$manifest/META-INF/MANIFEST.MF" \
  | sed -nE 's/^Class-Path: //p' | tr -d '\r' | tr ' ' '\n' | while read -r lib; do
  [ -n "$lib" ] && cp "$project/target/$lib" "$image/app/libs/"
done
rm -rf "$manifest"
cp "$project/config/application.yaml" "$image/config/application.yaml"
cp "$project/src/image/bin/session-presence" "$image/bin/session-presence"
chmod +x "$image/bin/session-presence"

# jdeps misses what is loaded by name: Netty and Redisson use sun.misc.Unsafe (jdk.unsupported)
# and JNDI for DNS (java.naming, jdk.naming.dns); the system meters read jdk.management.
# It lists java.desktop (AWT, fonts: 14 MB) only for java.beans paths of SnakeYAML, Micrometer and
# Redisson that this service never takes; ImageIT runs the service on this runtime, both stores.
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
  --class-path "$image/app/libs/*" "$image/app/session-presence.jar" | tr ',' '\n' | grep -vx 'java.desktop' | paste -sd, -)
modules="$modules,jdk.unsupported,java.naming,jdk.naming.dns,jdk.management"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$image/runtime"

# AOT cache (JEP 483/514): classes loaded and linked, and method profiles, from a real run of the
# launcher; the JVM writes it when the process exits on SIGTERM.
admin="training-admin-token-of-at-least-32-bytes"
log="$project/target/image-training.log"
PORT=0 STORE=memory ADMIN_TOKEN=$admin JAVA_OPTS="-XX:AOTCacheOutput=$image/app/app.aot" \
  "$image/bin/session-presence" >"$log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -nE 's/.*session-presence listening on port ([0-9]+).*/\1/p' "$log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
[ -n "$port" ] || { echo "build-image: the training run did not start; see $log" >&2; kill $pid 2>/dev/null; exit 1; }
base="http://127.0.0.1:$port"
for round in $(seq 1 30); do
  token=$(curl -s -X POST "$base/api/session/create" -H "Authorization: Bearer dev:trainer$round" \
    -H 'Content-Type: application/json' -d '{"remember_me":false}' | sed -E 's/.*"session_token":"([^"]+)".*/\1/')
  curl -s -o /dev/null "$base/api/session/validate" -H "X-Session-Token: $token" \
    --next -s -o /dev/null "$base/api/session/validate" \
    --next -s -o /dev/null -X POST "$base/api/session/refresh" -H "X-Session-Token: $token" \
    --next -s -o /dev/null "$base/api/session/stats" -H "X-Session-Token: $token" \
    --next -s -o /dev/null "$base/api/session/list" -H "X-Session-Token: $token" \
    --next -s -o /dev/null -X POST "$base/api/heartbeat" -d "{\"user\":\"anon$round\",\"page\":\"/p\"}" \
    --next -s -o /dev/null -X POST "$base/api/heartbeat" -H "X-Session-Token: $token" -d '{"page":"/q"}' \
    --next -s -o /dev/null -X POST "$base/api/session/update" -d "{\"sid\":\"s$round\",\"user\":\"anon$round\"}" \
    --next -s -o /dev/null -X POST "$base/api/cache/user/trainer$round" -H "X-Session-Token: $token" -d '{"data":{"a":1}}' \
    --next -s -o /dev/null "$base/api/cache/user/trainer$round" -H "X-Session-Token: $token" \
    --next -s -o /dev/null "$base/admin/presence" -H "Authorization: Bearer $admin" \
    --next -s -o /dev/null "$base/admin/sessions" -H "Authorization: Bearer $admin" \
    --next -s -o /dev/null "$base/admin/stats" -H "Authorization: Bearer $admin" \
    --next -s -o /dev/null "$base/socket.io/?EIO=4&transport=polling" \
    --next -s -o /dev/null "$base/observe/metrics" \
    --next -s -o /dev/null "$base/observe/health" \
    --next -s -o /dev/null "$base/observe/health/ready" \
    --next -s -o /dev/null "$base/admin/" \
    --next -s -o /dev/null -X POST "$base/api/session/logout" -H "X-Session-Token: $token"
done
kill -TERM $pid
wait $pid || true
[ -s "$image/app/app.aot" ] || { echo "build-image: no AOT cache was written; see $log" >&2; exit 1; }
echo "build-image: $image ($(du -sh "$image" | cut -f1); runtime $(du -sh "$image/runtime" | cut -f1), modules $modules)"
