#!/usr/bin/env bash
# Chat with the bot in this terminal: starts an action server, then `rasa shell`, both on free ports of
# 127.0.0.1 (so it works beside `make run`), with conversations in .state/shell/ (RASA_PORT, ACTIONS_PORT
# and STATE_DIR choose others).
set -euo pipefail
cd "$(dirname "$0")/.."
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
RASA_PORT="${RASA_PORT:-$(free_port)}"
ACTIONS_PORT="${ACTIONS_PORT:-$(free_port)}"
export STATE_DIR="${STATE_DIR:-.state/shell}"
export RASA_TELEMETRY_ENABLED=false SANIC_HOST=127.0.0.1
mkdir -p "$STATE_DIR"
endpoints=$(bash scripts/endpoints.sh "$ACTIONS_PORT")

.venv/bin/python -m exobot.server run actions --actions actions --port "$ACTIONS_PORT" >"$STATE_DIR/actions.log" 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT
if ! .venv/bin/python -m exobot.tools.wait_for "http://127.0.0.1:$ACTIONS_PORT/health" --timeout 60 >/dev/null; then
  echo "error: the action server did not start; its log: $STATE_DIR/actions.log" >&2
  exit 1
fi
echo "==> the terminal chat (its own server on 127.0.0.1:$RASA_PORT); type /stop to end"
.venv/bin/python -m exobot.server shell --model models/exosome-bot.tar.gz --endpoints "$endpoints" \
  --interface 127.0.0.1 --port "$RASA_PORT"
