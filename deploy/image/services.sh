#!/usr/bin/env bash
# Build the local stand-ins for postgres, redis and nginx from Debian's packages (no registry here).
# Usage: deploy/image/services.sh ENGINE BASE_IMAGE
set -euo pipefail
cd "$(dirname "$0")/../.."
engine="$1" base="$2"
for name in postgres redis nginx; do
  "$engine" build --quiet --file "deploy/image/services/Containerfile.$name" --build-arg "BASE_IMAGE=$base" \
    --tag "localhost/exobot-$name:latest" . >/dev/null
done
