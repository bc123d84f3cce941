#!/usr/bin/env bash
# The server jar laid out for a fast start (docs/benchmarks.md): extracted into target/server
# (hodei.jar and lib/: plain jars instead of jars nested in a jar) with a class-data-sharing archive,
# target/server/hodei.jsa, recorded by a training run on a throw-away home: a whole start until the
# control plane is ready, one job through it, and a stop. The archive belongs to this JVM and these
# jars at these paths: anything else just starts without it.
set -euo pipefail
jar="${1:?usage: server-class-archive.sh path/to/hodei.jar}"
target="$(cd "$(dirname "$jar")" && pwd)"
out="$target/server"
home="$(mktemp -d)"
server=""
cleanup() {
  [[ -z "$server" ]] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  rm -rf "$home"
}
trap cleanup EXIT
give_up() {
  echo "server-class-archive: $1; the server will start without a class archive" >&2
  tail -20 "$home/training.log" >&2 || true
  rm -f "$out/hodei.jsa.tmp"
  exit 0
}
rm -rf "$out"
java -Djarmode=tools -jar "$jar" extract --destination "$out" >/dev/null
cp "$target/hodei-agent.jar" "$out/" # the process provider's agent, found beside the server jar

port=$((20000 + RANDOM % 20000))
# its temporary files (the embedded PostgreSQL's) under target/, as the tests' are
mkdir -p "$target/tmp"
java -XX:ArchiveClassesAtExit="$out/hodei.jsa.tmp" -Xlog:cds=off -Xlog:cds+dynamic=off -Djava.io.tmpdir="$target/tmp" \
  -jar "$out/hodei.jar" server --home "$home" --grpc-port "$port" --http-port 0 >"$home/training.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  grep -q "Hodei control plane ready" "$home/training.log" && break
  kill -0 "$server" 2>/dev/null || give_up "the training server exited"
  sleep 0.2
done
grep -q "Hodei control plane ready" "$home/training.log" || give_up "the training server did not get ready"
HODEI_SERVER="127.0.0.1:$port" HODEI_HOME="$home" HODEI_CONFIG="$home/none.yaml" \
  java -jar "$target/hodei-cli.jar" run -q -- true >/dev/null 2>&1 || echo "server-class-archive: the training job failed" >&2
kill -TERM "$server"
wait "$server" || true # 143: stopped by the signal; the archive is written on the way out
server=""
[[ -s "$out/hodei.jsa.tmp" ]] || give_up "no archive was written"
mv -f "$out/hodei.jsa.tmp" "$out/hodei.jsa"
