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
# pip warns about every package for this machine's optional local index folders; keep real errors only
quiet() { grep -v -e "is ignored: it is neither a file nor a directory" -e "^  !!$" || true; }
if ! python -c "import torch" 2>/dev/null; then
  echo "==> installing torch==2.13.0 (CPU wheel) first, alone"
  pip install --disable-pip-version-check -q torch==2.13.0 2> >(quiet >&2)
fi
stamp=".venv/.reportqa-installed"
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing reportqa and its pinned dependencies"
  pip install --disable-pip-version-check -q -e ".[dev]" 2> >(quiet >&2)
  echo "$want" > "$stamp"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "==> preparing the embedding model"
reportqa setup
