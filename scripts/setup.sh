#!/usr/bin/env bash
# Create .venv, install everything (torch pinned first, alone), prepare the e5 model. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv
fi
. .venv/bin/activate
if ! python -c "import torch" 2>/dev/null; then
  echo "==> installing torch==2.13.0 (CPU wheel) first, alone"
  pip install --disable-pip-version-check -q torch==2.13.0
fi
stamp=".venv/.reportqa-installed"
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing reportqa and its pinned dependencies"
  pip install --disable-pip-version-check -q -e ".[dev]"
  echo "$want" > "$stamp"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "==> preparing the embedding model"
reportqa setup
