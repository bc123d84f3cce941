#!/usr/bin/env bash
# Whole-process timings of the CLI and of the server's start-up (docs/benchmarks.md), on copies of
# the built jars in a temporary home (a rebuild during the run must not replace a jar under a server):
#   - server start-up to "ready" (readiness UP, gRPC accepting), embedded PostgreSQL reused, RUNS
#     times each, alternated: the fast layout ./hodei server uses (extracted, class archive, made
#     here by scripts/server-class-archive.sh) and the plain fat jar (java -jar hodei.jar, before);
#   - `hodei --help`, `hodei job get`, `hodei run -- true`, RUNS times each: the client jar as
#     ./hodei runs it beside the server jar (java -jar hodei.jar, what ./hodei ran before).
# Prints min / median / max seconds. Build first: ./mvnw -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-9}"
home="$(mktemp -d)"
bin="$home/bin"
server=""
trap '[[ -z "$server" ]] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }; rm -rf "$home"' EXIT
mkdir "$bin" && cp target/hodei.jar target/hodei-agent.jar target/hodei-cli.jar target/hodei-cli.jsa "$bin/"
scripts/server-class-archive.sh "$bin/hodei.jar"
scripts/client-class-archive.sh "$bin/hodei-cli.jar" # archives name their jar: the copy gets its own
port=$((20000 + RANDOM % 20000))
export HODEI_SERVER="127.0.0.1:$port" HODEI_HOME="$home" HODEI_CONFIG="$home/none.yaml"
fast=(-XX:TieredStopAtLevel=1 -Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:SharedArchiveFile="$bin/server/hodei.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$bin/server/hodei.jar")
plain=(-jar "$bin/hodei.jar")

start_server() { # java args...: starts it in the background, waits until ready; $ready: its own figure
  : >"$home/server.log"
  java "$@" server --home "$home" --grpc-port "$port" --http-port 0 >"$home/server.log" 2>&1 &
  server=$!
  until grep -q "Hodei control plane ready" "$home/server.log"; do
    kill -0 "$server" 2>/dev/null || { tail -20 "$home/server.log"; exit 1; }
    sleep 0.1
  done
  ready=$(grep -o "ready in [0-9.]*" "$home/server.log" | grep -o "[0-9.]*$")
}
stop_server() {
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}
summary() { # label, values...
  local label=$1; shift
  IFS=$'\n' read -r -d '' -a sorted < <(printf '%s\n' "$@" | sort -n && printf '\0')
  local n=${#sorted[@]}
  printf "%-44s min %6.3f  median %6.3f  max %6.3f s (%d runs)\n" "$label" "${sorted[0]}" "${sorted[$((n / 2))]}" "${sorted[$((n - 1))]}" "$n"
}

start_server "${plain[@]}"; stop_server # the first start makes the database
fast_ready=(); plain_ready=()
for _ in $(seq "$runs"); do
  start_server "${fast[@]}"; fast_ready+=("$ready"); stop_server
  start_server "${plain[@]}"; plain_ready+=("$ready"); stop_server
done
summary "server ready (fast layout, ./hodei server)" "${fast_ready[@]}"
summary "server ready (fat jar, before)" "${plain_ready[@]}"

start_server "${fast[@]}"
# the client exactly as ./hodei starts it, without ./hodei's is-the-build-stale check
client=(java -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0
  -XX:SharedArchiveFile="$bin/hodei-cli.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$bin/hodei-cli.jar")
id=$("${client[@]}" job submit -- true | tail -1)

measure() { # label, command...
  local label=$1; shift
  local times=()
  "$@" >/dev/null 2>&1 || true # warm-up (page cache)
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=("$(bc -l <<<"($t1 - $t0) / 1000000000")")
  done
  summary "$label" "${times[@]}"
}
old=(java -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$bin/hodei.jar")
measure "hodei --help (client jar)" "${client[@]}" --help
measure "hodei --help (server jar, before)" "${old[@]}" --help
measure "hodei job get (client jar)" "${client[@]}" job get "$id"
measure "hodei job get (server jar, before)" "${old[@]}" job get "$id"
measure "hodei run -- true (client jar)" "${client[@]}" run -- true
measure "hodei run -- true (server jar, before)" "${old[@]}" run -- true
