#!/usr/bin/env bash
# Print the endpoints file to use: endpoints.yml, or a copy pointing at another action server port.
set -euo pipefail
port="${1:-5055}"
if [ "$port" = "5055" ]; then
  echo endpoints.yml
else
  mkdir -p .state
  sed "s#127.0.0.1:5055#127.0.0.1:$port#" endpoints.yml > .state/endpoints.yml
  echo .state/endpoints.yml
fi
