"""`reportqa doctor` finds orphan vectors, missing vectors, a wrong BM25 index and unused uploads, and repairs them
without touching anything committed."""

from __future__ import annotations

from pathlib import Path

from app.pipeline import Assistant
from core.config import Settings
from ingest.chunk import split
from ingest.load import load_document
from tests.conftest import SAMPLES
from vectorstore.doctor import check, quick, repair


def test_doctor_finds_and_repairs_orphans_and_gaps(tmp_path: Path) -> None:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    a.ingest(sorted(SAMPLES.glob("*.txt")))
    before = check(a.store, a.chroma, a.settings.data_dir)
    assert before.ok and before.chunks == before.vectors > 50
    committed = {d.id for d in a.documents()}
    # a killed ingest: vectors written, the SQL transaction never committed
    stray = load_document(SAMPLES / "001_097af92d10472f3b.txt", name="killed.txt")
    a.chroma.add(split(stray), stray.org, stray.year)
    # vectors lost for a committed document, and a half-written upload
    doc = a.documents()[0]
    lost = a.chroma.chunk_ids(doc.id)[:3]
    a.chroma.delete_ids(lost)
    (a.settings.data_dir / "uploads").mkdir()
    (a.settings.data_dir / "uploads" / ".3f2a.txt.part").write_text("half", encoding="utf-8")
    found = check(a.store, a.chroma, a.settings.data_dir)
    assert not found.ok
    assert len(found.orphan_vectors) == len(split(stray))
    assert {k: sorted(v) for k, v in found.missing_vectors.items()} == {doc.id: sorted(lost)}
    assert found.orphan_uploads == [".3f2a.txt.part"]
    assert quick(a.store, a.chroma) is not None
    assert any("NOT consistent" in line for line in found.lines())
    fixed = repair(a.store, a.chroma, a.settings.data_dir)
    assert fixed.ok and fixed.fixed and fixed.vectors == fixed.chunks == before.chunks
    assert quick(a.store, a.chroma) is None
    assert {d.id for d in a.documents()} == committed
    assert set(a.chroma.chunk_ids(doc.id)) >= set(lost)
