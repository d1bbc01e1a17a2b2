#!/usr/bin/env bash
# Chat with the bot in this terminal: starts the action server, then `rasa shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export RASA_TELEMETRY_ENABLED=false SANIC_HOST=127.0.0.1
mkdir -p .state
endpoints=$(bash scripts/endpoints.sh "$ACTIONS_PORT")

.venv/bin/python -m exobot.server run actions --actions actions --port "$ACTIONS_PORT" >.state/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT
.venv/bin/python -m exobot.tools.wait_for "http://127.0.0.1:$ACTIONS_PORT/health" --timeout 60 >/dev/null
.venv/bin/python -m exobot.server shell --model models/exosome-bot.tar.gz --endpoints "$endpoints"
