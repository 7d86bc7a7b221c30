"""One data dir with the sample reports ingested by the real e5 embedder, shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pipeline import Assistant
from core.config import Settings
from tests.app.conftest import SAMPLES


@pytest.fixture(scope="session")
def e5_assistant(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Assistant]:
    """The pipeline as shipped (e5-small, Chroma, BM25, SQLite) over both sample reports."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("e5") / "data", embedder="e5-small",
                        models_path=models_dir)
    a = Assistant(settings)
    assert [r.status for r in a.ingest(sorted(SAMPLES.glob("*.txt")))] == ["added", "added"]
    yield a
    a.close()
