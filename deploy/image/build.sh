#!/usr/bin/env bash
# `make image`: build the bot's image (and the local base it starts from) with podman or docker.
#   BASE_IMAGE=docker.io/library/python:3.10-slim-bookworm make image   a clinic's build, from the registry
# Default here: localhost/exobot-python:3.10-bookworm, built from Debian's packages by base.sh when missing.
# Every step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/image/engine.sh
LOCAL_BASE=localhost/exobot-python:3.10-bookworm
BASE_IMAGE="${BASE_IMAGE:-$LOCAL_BASE}"
IMAGE="${IMAGE:-localhost/exobot:latest}"
# The certificate bundle the build verifies PyPI against (mounted as a build secret, never copied in).
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

step() { local name="$1"; shift; local start; start=$(date +%s); "$@" >/dev/null; echo "==> $name: $(( $(date +%s) - start )) s"; }

if [ "$BASE_IMAGE" = "$LOCAL_BASE" ] && ! "$ENGINE" image exists "$LOCAL_BASE" 2>/dev/null && ! "$ENGINE" image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
  step "base image $LOCAL_BASE" bash deploy/image/base.sh "$ENGINE" "$LOCAL_BASE"
fi
extra=()
if [ "$ENGINE" = podman ] && [ -x .venv/bin/uv ]; then
  # Reuse the packages `make install` already downloaded (the same uv and the same pins).
  cache="$(.venv/bin/uv cache dir)"
  mkdir -p "$cache"
  extra+=(--volume "$cache:/cache/uv-host" --build-arg UV_CACHE_DIR=/cache/uv-host)
fi
step "image $IMAGE" "$ENGINE" build --quiet --file deploy/image/Containerfile --build-arg "BASE_IMAGE=$BASE_IMAGE" \
  --secret "id=ca,src=$CA_BUNDLE" "${extra[@]}" --tag "$IMAGE" .
step "proxy, database and cache images" bash deploy/image/services.sh "$ENGINE" "$BASE_IMAGE"
"$ENGINE" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/exobot' | sed 's/^/    /'
