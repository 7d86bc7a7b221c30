#!/usr/bin/env bash
# The optional local chat model: build llama-cpp-python 0.3.36 for this CPU, then assemble and check the
# Qwen2.5-Coder-1.5B-Instruct GGUF (`reportqa setup --llm`). Safe to re-run: each step is skipped when done.
#   bash scripts/setup_llm.sh              # both steps
#   bash scripts/setup_llm.sh --llama-only # only the llama-cpp-python build (what `reportqa setup --llm` calls)
# Build flags: never native (the native build crashes in libggml-cpu on these CPUs, likely AMX) and never AMX;
# each SIMD flag only when /proc/cpuinfo shows the CPU has it. --no-cache-dir: pip's wheel cache ignores
# CMAKE_ARGS, so a cached wheel built with other flags would be reused.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.3.36
[ -x .venv/bin/python ] || bash scripts/setup.sh
. .venv/bin/activate
quiet() { grep -v -e "is ignored: it is neither a file nor a directory" -e "^  !!$" || true; }

flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2 || true)
has() { [[ " $flags " == *" $1 "* ]]; }
args="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C avx512f:AVX512 avx512_vnni:AVX512_VNNI \
            avx512_bf16:AVX512_BF16 avx_vnni:AVX_VNNI; do
  cpu=${pair%%:*}; opt=${pair##*:}
  if has "$cpu"; then args="$args -DGGML_$opt=ON"; else args="$args -DGGML_$opt=OFF"; fi
done
stamp=".venv/.llama-cpp-build"
want="$VERSION $args"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && \
   python -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '$VERSION')" 2>/dev/null; then
  echo "==> llama-cpp-python $VERSION already built for this CPU"
else
  echo "==> building llama-cpp-python $VERSION from source (about 4 minutes) with: $args"
  CMAKE_ARGS="$args" pip install --disable-pip-version-check -q --no-cache-dir --force-reinstall --no-deps \
    "llama-cpp-python==$VERSION" 2> >(quiet >&2)
  pip install --disable-pip-version-check -q "llama-cpp-python==$VERSION" 2> >(quiet >&2)  # its small deps
  python -c "import llama_cpp; print('    llama_cpp', llama_cpp.__version__, 'imports')"
  echo "$want" > "$stamp"
fi
[ "${1:-}" = "--llama-only" ] && exit 0
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "==> assembling and checking the local chat model"
reportqa setup --llm
