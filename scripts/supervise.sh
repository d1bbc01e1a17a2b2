#!/usr/bin/env bash
# Run a command and start it again whenever it stops, until this script is stopped.
# `make run` keeps the action server up this way.
set -uo pipefail
child=""
trap '[[ -n "$child" ]] && kill "$child" 2>/dev/null; wait 2>/dev/null; exit 0' INT TERM
while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  echo "==> stopped (exit status $status), starting it again in 1 s: $*" >&2
  sleep 1
done
