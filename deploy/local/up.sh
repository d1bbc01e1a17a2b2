#!/usr/bin/env bash
# `make deploy-local`: start deploy/kubernetes/overlays/local with `podman kube play` on its own network,
# with nginx in front on 127.0.0.1 (WEB_PORT for the clinic page and the widget, CONSOLE_PORT for the
# staff console), then wait until every part answers. The images come from `make image`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/image/engine.sh
if [ "$ENGINE" != podman ]; then echo "error: make deploy-local needs podman (podman kube play)" >&2; exit 1; fi
command -v kubectl >/dev/null || { echo "error: rendering the overlay needs kubectl (kubectl kustomize)" >&2; exit 1; }
WEB_PORT="${WEB_PORT:-18080}" CONSOLE_PORT="${CONSOLE_PORT:-18081}"
NETWORK="${NETWORK:-exobot-local}"
OVERLAY=deploy/kubernetes/overlays/local
STATE="${DEPLOY_STATE:-.state/deploy-local}"
mkdir -p "$STATE"
start=$(date +%s)

if [ -n "$(podman pod ps --quiet --filter name='^rasa-pod-0$')" ]; then
  echo "error: a local deployment is already running: make deploy-local-down first" >&2; exit 1
fi
# Random passwords and API token, made once, kept out of git (the Secret "exobot").
if [ ! -s "$OVERLAY/secrets.env" ]; then
  umask 077
  random() { .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))'; }
  printf 'auth-token=%s\ndb-password=%s\nredis-password=%s\n' "$(random)" "$(random)" "$(random)" > "$OVERLAY/secrets.env"
  umask 022
fi
printf 'BOT_PUBLIC_URL=http://127.0.0.1:%s\nCORS_ORIGINS=http://127.0.0.1:%s\n' "$WEB_PORT" "$WEB_PORT" > "$OVERLAY/local.env"

kubectl kustomize "$OVERLAY" > "$STATE/rendered.yaml"
secrets=$(.venv/bin/python deploy/local/split.py "$STATE/rendered.yaml" "$STATE" --web-port "$WEB_PORT" --console-port "$CONSOLE_PORT")
for name in $secrets; do
  podman secret rm "$name" >/dev/null 2>&1 || true
  podman secret create "$name" "$STATE/secret-$name.json" >/dev/null
  rm -f "$STATE/secret-$name.json"
done
podman network exists "$NETWORK" || podman network create "$NETWORK" >/dev/null
echo "==> podman kube play ($OVERLAY) on the network $NETWORK"
# Without systemd here, podman cannot schedule the probes itself and says so; the pods run all the same.
echo "$NETWORK" > "$STATE/network"
played=0
podman kube play --network "$NETWORK" "$STATE/play.yaml" > "$STATE/play.log" 2>&1 || played=$?
grep -v -e 'systemd connection' -e '^Pod:$' -e '^Containers:$' -e '^[0-9a-f]\{64\}$' -e '^$' "$STATE/play.log" || true
if [ "$played" != 0 ]; then echo "error: podman kube play failed (above); make deploy-local-down removes what it started" >&2; exit 1; fi

.venv/bin/python -m exobot.tools.wait_for "http://127.0.0.1:$WEB_PORT/" "http://127.0.0.1:$CONSOLE_PORT/login" --timeout 300
for pod in rasa-pod-0 rasa-pod-1; do
  until podman exec "$pod-rasa" python -m exobot.server.probe >/dev/null 2>&1; do
    if [ $(( $(date +%s) - start )) -gt 600 ]; then echo "error: $pod did not load a model in 10 minutes:" >&2; podman logs --tail 30 "$pod-rasa" >&2; exit 1; fi
    sleep 3
  done
done
cat <<MSG
==> ready in $(( $(date +%s) - start )) s
  Clinic page and widget: http://127.0.0.1:$WEB_PORT/  (the widget's calls go to both Rasa replicas)
  Staff console:          http://127.0.0.1:$CONSOLE_PORT/  (an account: podman exec -it console-pod-0-console python -m exobot.tools.staff_user NAME --endpoints deploy/endpoints.cluster.yml)
  Pods:                   podman pod ps;  stop everything: make deploy-local-down
MSG
