#!/usr/bin/env bash
# Print the endpoints file to use: endpoints.yml, or a copy in $STATE_DIR for another
# action server port or another folder for the conversations database.
set -euo pipefail
port="${1:-5055}"
state="${STATE_DIR:-.state}"
if [ "$port" = "5055" ] && [ "$state" = ".state" ]; then
  echo endpoints.yml
else
  mkdir -p "$state"
  sed -e "s#127.0.0.1:5055#127.0.0.1:$port#" -e "s#db: .state/#db: $state/#" endpoints.yml > "$state/endpoints.yml"
  echo "$state/endpoints.yml"
fi
