#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs Python < 3.11).
# Looks at $PYTHON, python3.10 on PATH, then pyenv's versions.
set -u
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for candidate in "${PYTHON:-}" python3.10 "$pyenv_root"/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
echo "error: python3.10 is required (Rasa 3.6 does not run on 3.11+) but was not found on PATH or in pyenv; install Python 3.10 or set PYTHON=/path/to/python3.10" >&2
exit 1
