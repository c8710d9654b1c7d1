#!/usr/bin/env bash
# Runs every test of session-presence: unit, API, realtime and browser tests against the memory
# store, a real Redis and a real Redis Cluster (Sentinel, TLS and failover too), and the shipped
# image layout (`mvn -B -Pimage verify`). On a fresh Debian machine it first installs what the
# tests need and is missing, and says what it installs:
#   - Debian packages: redis-server and redis-tools (real Redis 7 servers for the storage tests,
#     and redis-cli, which joins the test clusters), openssl (the TLS tests' certificates),
#     chromium (the browser tests), nodejs and npm (the Socket.IO client, protocol-suite and browser tests), curl (the
#     image build's AOT training run), kubernetes-client (kubectl, whose built-in kustomize
#     renders k8s/ for KustomizeTest);
#   - the npm packages of each Node test project under src/test/ (`npm ci`, exactly as locked).
# Idempotent and quiet when nothing is missing. Runs as root, or as a user with sudo.
# Extra arguments go to Maven, e.g. `./test.sh -Dtest=SessionApiTest`.
set -euo pipefail
cd "$(dirname "$0")"

say() { echo "test.sh: $*"; }

as_root() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    say "cannot run '$*': not root and no sudo; install these yourself, then run again"
    exit 1
  fi
}

packages=()
command -v redis-server >/dev/null || packages+=(redis-server)
command -v redis-cli >/dev/null || packages+=(redis-tools)
command -v openssl >/dev/null || packages+=(openssl)
command -v curl >/dev/null || packages+=(curl)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || packages+=(chromium)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
# Any kubectl will do: Debian 12's is 1.20 (kustomize 2.0.3), which k8s/ is written to render with.
command -v kubectl >/dev/null || packages+=(kubernetes-client)
if [ ${#packages[@]} -gt 0 ]; then
  say "installing Debian packages: ${packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  # Debian's redis-server package starts nothing without systemd; the tests start their own.
fi

# A Node test project is (re)installed when node_modules is missing or older than its lockfile.
for lock in src/test/*/package-lock.json; do
  project=$(dirname "$lock")
  if [ ! -f "$project/node_modules/.package-lock.json" ] || [ "$lock" -nt "$project/node_modules/.package-lock.json" ]; then
    say "installing the npm packages of $project (npm ci)"
    (cd "$project" && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null)
  fi
done

# -Pimage: also builds target/image/ (jlink runtime, AOT cache) and starts the service from it.
exec mvn -B -Pimage verify "$@"
