#!/usr/bin/env bash
# Start the action server and the Rasa server on this machine, and say where to chat.
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${HOST:-127.0.0.1}"
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
# The staff console (conversations, teaching, answers): its own port, for staff only (see README).
CONSOLE_PORT="${CONSOLE_PORT:-8081}"
CONSOLE_HOST="${CONSOLE_HOST:-$HOST}"
# Web pages allowed to call the bot from a browser (space-separated origins).
CORS_ORIGINS="${CORS_ORIGINS:-http://$HOST:$WEB_PORT}"
MODEL="${MODEL:-models/exosome-bot.tar.gz}"
# Conversations (SQLite) and generated settings; ENDPOINTS picks another endpoints file.
STATE_DIR="${STATE_DIR:-.state}"
export RASA_TELEMETRY_ENABLED=false SANIC_HOST="$HOST"
# One TensorFlow thread per server: messages are small, and threads only compete for the cores.
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}" TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
# Requests bigger than this are refused by the web server before anything reads them.
export SANIC_REQUEST_MAX_SIZE="${SANIC_REQUEST_MAX_SIZE:-65536}" SANIC_FALLBACK_ERROR_FORMAT=json

# Example clinic details must never reach a visitor: a warning here, a refusal in production.
production=""
if [ "${PRODUCTION:-}" = "1" ] || [ "$(basename "${ENDPOINTS:-}")" = "endpoints.production.yml" ]; then
  production="--production"
  export PRODUCTION=1
fi
.venv/bin/python -m exobot.tools.check_clinic $production || exit 1

mkdir -p "$STATE_DIR"
endpoints="${ENDPOINTS:-$(STATE_DIR="$STATE_DIR" bash scripts/endpoints.sh "$ACTIONS_PORT")}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

echo "==> starting the action server on $HOST:$ACTIONS_PORT (started again if it stops)"
bash scripts/supervise.sh .venv/bin/python -m exobot.server run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)

echo "==> starting the Rasa server on $HOST:$RASA_PORT (about 30 s)"
# shellcheck disable=SC2086
# The HTTP API (/status, /model, /conversations) answers only calls with the token from $RASA_AUTH_TOKEN or
# .secrets/auth_token; the launcher hands it to Rasa inside the process, so it is not in the process list.
.venv/bin/python -m exobot.server run --model "$MODEL" --interface "$HOST" --port "$RASA_PORT" \
  --endpoints "$endpoints" --credentials credentials.yml --cors $CORS_ORIGINS --enable-api &
pids+=($!)

echo "==> serving the clinic page on $HOST:$WEB_PORT"
.venv/bin/python -m exobot.site --host "$HOST" --port "$WEB_PORT" --bot-url "http://$HOST:$RASA_PORT" &
pids+=($!)

echo "==> serving the staff console on $CONSOLE_HOST:$CONSOLE_PORT"
.venv/bin/python -m exobot.console --host "$CONSOLE_HOST" --port "$CONSOLE_PORT" --endpoints "$endpoints" \
  --rasa-url "http://$HOST:$RASA_PORT" &
pids+=($!)

.venv/bin/python -m exobot.tools.wait_for "http://$HOST:$RASA_PORT/" "http://$HOST:$ACTIONS_PORT/health" "http://$HOST:$WEB_PORT/" \
  "http://$CONSOLE_HOST:$CONSOLE_PORT/login" --timeout 180
cat <<MSG

  The bot is ready.
  Chat on the clinic page: http://$HOST:$WEB_PORT/
  Chat over HTTP:  curl -s -X POST http://$HOST:$RASA_PORT/webhooks/rest/webhook \\
                     -H 'Content-Type: application/json' \\
                     -d '{"sender": "visitor", "message": "what are exosomes"}'
  Chat in a terminal: make shell
  Staff console:   http://$CONSOLE_HOST:$CONSOLE_PORT/ (an account: make staff-user NAME=yourname)
  HTTP API (/status, /model, /conversations): add ?token=$(.venv/bin/python -m exobot.api_token)
  Press Ctrl-C to stop.

MSG
wait -n
