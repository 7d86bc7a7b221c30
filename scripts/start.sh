#!/usr/bin/env bash
# One command from a fresh clone: set up, ingest the sample reports, answer two sample questions,
# then start the web chat and API (Ctrl-C stops it). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "==> ingesting samples/"
reportqa ingest samples/
echo "==> sample questions"
reportqa ask "2022年海珠区预算执行率是多少"
reportqa ask "2021年海珠区预算执行率是多少"
HOST=${REPORTQA_HOST:-127.0.0.1}
PORT=${REPORTQA_PORT:-8000}
echo "==> starting the web chat and API at http://$HOST:$PORT/ (API docs at /docs; Ctrl-C to stop)"
exec reportqa serve --host "$HOST" --port "$PORT"
