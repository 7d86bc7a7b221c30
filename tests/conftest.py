"""Shared fixtures: no network beyond loopback, offline model hubs, settings over temporary data dirs."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOLD = REPO / "eval" / "seed_qa.jsonl"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
        if host not in ("127.0.0.1", "::1", "localhost", "0.0.0.0") and not host.startswith("127."):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """One converted e5 folder for the whole run (the repo's data/models when present)."""
    from vectorstore.e5convert import ensure_converted

    folder = Path(os.environ.get("REPORTQA_TEST_MODELS", REPO / "data" / "models"))
    ensure_converted(folder / "e5-small")
    return folder


@pytest.fixture
def hash_settings(tmp_path: Path) -> Settings:
    """Settings over a fresh data dir with the deterministic fake embedder (unit tests)."""
    return Settings(data_dir=tmp_path / "data", embedder="hash")


@pytest.fixture
def e5_settings(tmp_path: Path, models_dir: Path) -> Settings:
    """Settings over a fresh data dir with the real e5 model."""
    return Settings(data_dir=tmp_path / "data", embedder="e5-small", models_path=models_dir)


@pytest.fixture(scope="session")
def samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def seeded_hash_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data dir with both samples ingested using the hash embedder, shared read-only by a session."""
    from app.pipeline import Assistant

    d = tmp_path_factory.mktemp("seeded") / "data"
    a = Assistant(Settings(data_dir=d, embedder="hash"))
    res = a.ingest(sorted(SAMPLES.glob("*.txt")))
    assert all(r.status != "error" for r in res), res
    a.close()
    yield d


def ingest_and_eval(assistant: object, folder: Path, gold: Path, out: Path) -> dict:
    """Ingest every report in ``folder`` (each must be added and tagged) and score ``gold`` through ``ask``."""
    from app.pipeline import Assistant
    from eval.run import run_eval

    assert isinstance(assistant, Assistant)
    results = assistant.ingest([folder])
    assert results and all(r.status == "added" for r in results), [(r.name, r.message) for r in results]
    assert all(r.org and r.year for r in results), [(r.name, r.org, r.year) for r in results]
    return run_eval(gold, assistant.ask, out, progress=False)


def answers_of(assistant: object, questions: list[str]) -> list[dict]:  # type: ignore[type-arg]
    """Each question's answer as a dict, without its latency (which differs run to run)."""
    out = []
    for q in questions:
        d = assistant.ask(q).to_dict()  # type: ignore[attr-defined]
        d.pop("latency_ms")
        out.append(d)
    return out
