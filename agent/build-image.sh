#!/usr/bin/env bash
# Builds the agent image (default tag hodei-agent:latest) on a machine without a container
# registry: the base is a minimal Debian root file system with a JRE, made by debootstrap from
# the apt mirror this machine is already configured with, then `docker import`ed. Both images are
# cached: the base is made once, the agent image again only when the agent jar changed.
#
# --if-docker: as the build's pre-integration-test step, do nothing (successfully) when no Docker
# engine answers, unless CI=true, where the Docker tests must run.
set -euo pipefail
if [[ "${1:-}" == "--if-docker" ]]; then
  shift
  if ! docker info >/dev/null 2>&1; then
    if [[ "${CI:-}" == "true" ]]; then echo "build-image: no Docker engine answers, and CI needs one" >&2; exit 1; fi
    echo "build-image: no Docker engine; skipping the agent image (the Docker tests will be skipped)"
    exit 0
  fi
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${1:-hodei-agent:latest}"
base="${HODEI_BASE_IMAGE:-hodei-base-jre17:bookworm}"
jar="$root/target/hodei-agent.jar"

[[ -f "$jar" ]] || { echo "build-image: $jar missing; run ./mvnw package first" >&2; exit 1; }
# the image depends on the jar and on the Dockerfile
jar_sum="$(cat "$jar" "$root/agent/Dockerfile" | sha256sum | cut -c1-16)"

if [[ "$(docker image inspect -f '{{index .Config.Labels "hodei.agent-jar"}}' "$tag" 2>/dev/null || true)" == "$jar_sum" ]]; then
  echo "build-image: $tag is up to date"
  exit 0
fi

if ! docker image inspect "$base" >/dev/null 2>&1; then
  # The first Debian archive the machine's apt sources name (deb822 or one-line format).
  mirror="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)"
  [[ -n "$mirror" ]] || mirror="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
                                  | awk '{print $2}' | grep -v security | head -1 || true)"
  [[ -n "$mirror" ]] || { echo "build-image: no apt mirror found in /etc/apt" >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "build-image: debootstrap is not installed" >&2; exit 1; }
  rootfs="$(mktemp -d)"
  trap 'rm -rf "${rootfs:-}"' EXIT
  echo "build-image: making $base with debootstrap (once; about a minute)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
fi

echo "build-image: building $tag on $base"
context="$(mktemp -d)"
cp "$jar" "$context/"
if ! out="$(docker build -q --build-arg "BASE=$base" --label "hodei.agent-jar=$jar_sum" -t "$tag" \
             -f "$root/agent/Dockerfile" "$context" 2>&1)"; then
  echo "$out" >&2
  rm -rf "$context"
  exit 1
fi
rm -rf "$context"
# the image this one replaced, now untagged: each rebuild would otherwise leave ~400 MB behind
docker image prune -f --filter "label=hodei.agent-jar" >/dev/null 2>&1 || true
echo "build-image: $tag ready"
