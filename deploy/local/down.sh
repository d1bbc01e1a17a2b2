#!/usr/bin/env bash
# `make deploy-local-down`: remove everything `make deploy-local` started: pods, volumes, secret, network.
set -uo pipefail
cd "$(dirname "$0")/../.."
source deploy/image/engine.sh
STATE="${DEPLOY_STATE:-.state/deploy-local}"
NETWORK="$(cat "$STATE/network" 2>/dev/null || echo "${NETWORK:-exobot-local}")"
if [ -f "$STATE/play.yaml" ]; then
  podman kube down "$STATE/play.yaml" >/dev/null 2>&1
  # The volumes of the PersistentVolumeClaims: kube down keeps them.
  for volume in $(.venv/bin/python -c 'import sys, yaml; print(" ".join(d["metadata"]["name"] for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") in ("PersistentVolumeClaim", "ConfigMap")))' "$STATE/play.yaml"); do
    podman volume rm --force "$volume" >/dev/null 2>&1
  done
fi
podman secret rm exobot >/dev/null 2>&1
podman network exists "$NETWORK" && podman network rm --force "$NETWORK" >/dev/null
rm -f "$STATE/play.yaml" "$STATE/rendered.yaml" "$STATE/network"
echo "==> the local deployment is removed"
