"""While an ingest works beside questions, the questions come first: small embedding batches that wait for the
question being answered, and a shorter interpreter-lock hand-over while a writer works."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from app.pipeline import Assistant
from app.readers_first import LARGE, SMALL, SWITCH, ReadersFirst
from core.config import Settings
from tests.conftest import SAMPLES
from vectorstore.embedder import HashEmbedder


def test_pace_waits_for_the_question_being_answered() -> None:
    r = ReadersFirst()
    assert r.pace() == LARGE  # nobody asks: large batches, no waiting
    waited: list[float] = []
    with r.reading():
        t = threading.Thread(target=lambda: waited.append(_timed(r.pace)))
        t.start()
        time.sleep(0.3)
        assert t.is_alive()  # the ingest waits while the question is answered
    t.join(5)
    assert waited and 0.25 <= waited[0] < 1.0
    assert r.pace() == SMALL  # questions came in lately: a few passages at a time


def _timed(f: object) -> float:
    t = time.monotonic()
    f()  # type: ignore[operator]
    return time.monotonic() - t


def test_the_lock_changes_hands_more_often_while_a_writer_works() -> None:
    r, before = ReadersFirst(), sys.getswitchinterval()
    r.begin()
    assert sys.getswitchinterval() == min(before, SWITCH)
    r.end()
    assert sys.getswitchinterval() == before


class _Counting(HashEmbedder):
    """The hash embedder, recording the size of every batch it is given."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(len(texts))
        return super().embed_documents(texts)


def test_ingest_embeds_in_small_batches_while_questions_come_in(tmp_path: Path) -> None:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    counting = _Counting()
    a.chroma.embedder = counting
    a.ingest([SAMPLES / "000_817fa173afb523db.txt"])
    assert counting.batches == [a.documents()[0].n_chunks]  # nobody asked: one batch per document
    a.ask("2020年广州市应急管理局预算执行率是多少")
    counting.batches.clear()
    a.ingest([SAMPLES / "001_097af92d10472f3b.txt"])
    assert len(counting.batches) > 1 and max(counting.batches) == SMALL
    assert sys.getswitchinterval() > SWITCH  # restored after the ingest
