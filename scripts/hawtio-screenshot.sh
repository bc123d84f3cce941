#!/usr/bin/env bash
# Headless-browser check of the operator console: starts a control plane (login on), runs a job,
# logs in to Hawtio with Debian's Chromium, opens the Camel routes and saves
# target/hawtio-camel-routes.png. Installs chromium and playwright-core when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ -f target/hodei.jar ]] || ./mvnw -q -B -DskipTests package
command -v chromium >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
tools="$root/target/hawtio-check"
if [[ ! -d "$tools/node_modules/playwright-core" ]]; then
  mkdir -p "$tools"
  (cd "$tools" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund playwright-core >/dev/null)
fi
cp scripts/hawtio-check.mjs "$tools/"

home="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
grpc=$(free_port); http=$(free_port)
password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
HODEI_HAWTIO_PASSWORD="$password" java -jar target/hodei.jar server --home "$home" --grpc-port "$grpc" \
  --http-port "$http" >"$home/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT
for _ in $(seq 1 90); do curl -fs "http://127.0.0.1:$http/actuator/health/readiness" >/dev/null 2>&1 && break; sleep 1; done
./hodei run -q -s "127.0.0.1:$grpc" -- 'echo a job for the routes to show' >/dev/null
node "$tools/hawtio-check.mjs" "http://127.0.0.1:$http" admin "$password" "$root/target/hawtio-camel-routes.png"
