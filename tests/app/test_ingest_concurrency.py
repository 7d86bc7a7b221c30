"""Answering never waits for ingest: while a writer works, questions are answered from the last committed state."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from app.pipeline import Assistant
from core.config import Settings
from tests.app.conftest import SAMPLES, report_text

Q = "2022年海珠区预算执行率是多少"


def _ask_within(a: Assistant, question: str, seconds: float) -> object:
    """The answer, or None when it did not come within ``seconds`` (the asking thread is left behind)."""
    box: list[object] = []
    th = threading.Thread(target=lambda: box.append(a.ask(question)), daemon=True)
    th.start()
    th.join(seconds)
    return box[0] if box else None


def test_questions_are_answered_while_an_ingest_runs(tmp_path: Path) -> None:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    a.ingest(sorted(SAMPLES.glob("*.txt")))
    assert a.ask(Q).value is not None
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "liwan.txt").write_text(report_text("广州市荔湾区财政局", 2023, "91.20", "1520.40"), encoding="utf-8")
    started, release = threading.Event(), threading.Event()

    def progress(done: int, total: int, name: str) -> None:
        if done == 0:  # the writer holds the store: the first file is about to be ingested
            started.set()
            release.wait(60)

    writer = threading.Thread(target=lambda: a.ingest([folder], progress=progress), daemon=True)
    writer.start()
    try:
        assert started.wait(30)
        t = time.perf_counter()
        answer = _ask_within(a, Q, 20)
        assert answer is not None, "a question waited for the ingest"
        assert answer.value is not None and str(answer.value) == "98.15"  # type: ignore[attr-defined]
        assert time.perf_counter() - t < 20
        assert {d.name for d in a.documents()} >= {p.name for p in SAMPLES.glob("*.txt")}
    finally:
        release.set()
        writer.join(60)
    assert not writer.is_alive()
    after = a.ask("2023年荔湾区财政局预算执行率是多少")  # the writer refreshed the state when it finished
    assert after.value is not None and float(after.value) == 91.2
