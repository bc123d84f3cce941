#!/usr/bin/env bash
# Whole-process timings of the CLI against a control plane started here (docs/benchmarks.md):
# `hodei --help`, `hodei job get`, `hodei run -- true`, each N times (default 9), the client jar
# (as ./hodei runs it) beside the server jar (java -jar target/hodei.jar, what ./hodei ran before), and the
# server's own start-up. Prints min / median / max wall seconds. Build first: ./mvnw -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-9}"
home="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
# the server runs from a copy: a rebuild during the run must not replace the jar under it
mkdir "$home/bin" && cp target/hodei.jar target/hodei-agent.jar "$home/bin/"
java -jar "$home/bin/hodei.jar" server --home "$home" --grpc-port "$port" --http-port 0 >"$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$home"' EXIT
export HODEI_SERVER="127.0.0.1:$port" HODEI_HOME="$home" HODEI_CONFIG="$home/none.yaml"
until grep -q "Hodei control plane ready" "$home/server.log"; do
  kill -0 $server 2>/dev/null || { tail -20 "$home/server.log"; exit 1; }
  sleep 0.2
done
grep -o "Hodei control plane ready in [0-9.]* s" "$home/server.log"
# the client exactly as ./hodei starts it, without ./hodei's is-the-build-stale check
client=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto
  -XX:SharedArchiveFile=target/hodei-cli.jsa -Xlog:cds=off -Xlog:cds+dynamic=off -jar target/hodei-cli.jar)
id=$("${client[@]}" job submit -- true | tail -1)

measure() { # label, command...
  local label=$1; shift
  local times=()
  "$@" >/dev/null 2>&1 || true # warm-up (page cache)
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000000 ))")
  done
  IFS=$'\n' read -r -d '' -a sorted < <(printf '%s\n' "${times[@]}" | sort -n && printf '\0')
  printf "%-44s min %5.3f  median %5.3f  max %5.3f s (%d runs)\n" "$label" \
    "$(bc -l <<<"${sorted[0]}/1000")" "$(bc -l <<<"${sorted[$((runs / 2))]}/1000")" \
    "$(bc -l <<<"${sorted[$((runs - 1))]}/1000")" "$runs"
}
old=(java -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$home/bin/hodei.jar")
measure "hodei --help (client jar)" "${client[@]}" --help
measure "hodei --help (server jar, before)" "${old[@]}" --help
measure "hodei job get (client jar)" "${client[@]}" job get "$id"
measure "hodei job get (server jar, before)" "${old[@]}" job get "$id"
measure "hodei run -- true (client jar)" "${client[@]}" run -- true
measure "hodei run -- true (server jar, before)" "${old[@]}" run -- true
