"""Document identity: the path relative to the ingested folder, and the same text under another name or
encoding reported as a duplicate instead of stored twice."""

from __future__ import annotations

from pathlib import Path

from app.pipeline import Assistant
from core.config import Settings
from tests.conftest import SAMPLES

HAIZHU = SAMPLES / "001_097af92d10472f3b.txt"
GUANGZHOU = SAMPLES / "000_817fa173afb523db.txt"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_same_file_name_in_two_folders_is_two_documents(hash_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    _write(root / "a" / "自评报告.txt", HAIZHU.read_text(encoding="utf-8"))
    _write(root / "b" / "自评报告.txt", GUANGZHOU.read_text(encoding="utf-8"))
    a = Assistant(hash_settings)
    results = a.ingest([root])
    assert [(r.name, r.status) for r in results] == [("a/自评报告.txt", "added"), ("b/自评报告.txt", "added")]
    assert sorted(d.name for d in a.documents()) == ["a/自评报告.txt", "b/自评报告.txt"]
    assert len(a.chroma.doc_ids()) == 2
    assert {f.doc_name for f in a.figures()} == {"a/自评报告.txt", "b/自评报告.txt"}
    assert {d.org for d in a.state().docs} == {"广州市海珠区应急管理局", "广州市应急管理局"}
    again = a.ingest([root])  # idempotent: both unchanged
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    info = a.reingest("a/自评报告.txt")  # re-ingest keeps the name, does not make a third document
    assert info.status == "replaced" and info.name == "a/自评报告.txt" and len(a.documents()) == 2


def test_same_name_from_two_arguments_is_reported_not_replaced(hash_settings: Settings, tmp_path: Path) -> None:
    one = _write(tmp_path / "x" / "report.txt", HAIZHU.read_text(encoding="utf-8"))
    two = _write(tmp_path / "y" / "report.txt", GUANGZHOU.read_text(encoding="utf-8"))
    a = Assistant(hash_settings)
    first, second = a.ingest([one, two])
    assert first.status == "added"
    assert second.status == "error" and "same name" in second.message
    assert [d.id for d in a.documents()] == [first.doc_id]


def test_same_text_in_other_encodings_is_a_duplicate(hash_settings: Settings, tmp_path: Path) -> None:
    text = HAIZHU.read_text(encoding="utf-8")
    files = [_write(tmp_path / "in" / "utf8.txt", text), _write(tmp_path / "in" / "gbk.txt", text, "gb18030"),
             _write(tmp_path / "in" / "utf16.txt", "\ufeff" + text, "utf-16-le"),
             _write(tmp_path / "in" / "spaced.txt", text.replace("\n", "\n\n"))]
    a = Assistant(hash_settings)
    results = {r.name: r for r in a.ingest(files)}
    added = [n for n, r in results.items() if r.status == "added"]
    assert len(added) == 1, results
    for name, r in results.items():
        if name not in added:
            assert r.status == "duplicate" and added[0] in r.message and r.doc_id == results[added[0]].doc_id
    assert len(a.documents()) == 1 and len(a.chroma.doc_ids()) == 1
