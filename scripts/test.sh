#!/usr/bin/env bash
# One command: set up, install the browser for the UI test, lint, type-check, run the tests,
# then score the assistant on the seed gold and fail below the floor kept in eval/floor.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_llm.sh   # the local chat model: llama-cpp-python built for this CPU, the GGUF assembled and checked
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export REPORTQA_REQUIRE_LLM=1  # the real-model tests (marker llm) fail instead of skipping when it is missing
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian chromium for the browser test"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
if [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "==> installing a CJK font (fonts-wqy-microhei) for the PDF written by the four-formats test"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq fonts-wqy-microhei >/dev/null
fi
echo "==> ruff"
ruff check core app ingest vectorstore eval tests
echo "==> mypy"
mypy
echo "==> pytest"
pytest -q "$@"
echo "==> eval on the seed gold (floor: eval/floor.json)"
GOLD=eval/seed_qa.jsonl   # a copy of ../shared/gold/seed_qa.jsonl; the shared one wins when it is there
[ -f ../shared/gold/seed_qa.jsonl ] && GOLD=../shared/gold/seed_qa.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export REPORTQA_MODELS_PATH="$PWD/data/models"
reportqa --data-dir "$tmp/data" ingest samples/ >/dev/null
reportqa --data-dir "$tmp/data" eval "$GOLD" --out eval-out/seed --floor eval/floor.json
echo "==> eval on the published reports in tests/data/real (floor: eval/floor_real.json)"
reportqa --data-dir "$tmp/real" ingest tests/data/real/docs >/dev/null
reportqa --data-dir "$tmp/real" eval tests/data/real/qa.jsonl --out eval-out/real --by doc --floor eval/floor_real.json
