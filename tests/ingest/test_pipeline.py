"""Ingest is atomic and idempotent per document, and bad files fail alone with a clear message."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.pipeline import Assistant
from core.config import Settings
from tests.conftest import SAMPLES

HAIZHU = SAMPLES / "001_097af92d10472f3b.txt"


def _copy(tmp_path: Path, name: str = "haizhu.txt") -> Path:
    dst = tmp_path / "in" / name
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HAIZHU, dst)
    return dst


def test_reingest_unchanged_changes_nothing(hash_settings: Settings, tmp_path: Path) -> None:
    a = Assistant(hash_settings)
    f = _copy(tmp_path)
    first = a.ingest([f])[0]
    assert first.status == "added" and first.n_chunks > 5 and first.n_figures > 20
    gen = a.store.generation()
    count = a.chroma.collection.count()
    again = a.ingest([f])[0]
    assert again.status == "unchanged"
    assert a.store.generation() == gen and a.chroma.collection.count() == count


def test_changed_file_replaces_old_chunks_and_figures(hash_settings: Settings, tmp_path: Path) -> None:
    a = Assistant(hash_settings)
    f = _copy(tmp_path)
    old = a.ingest([f])[0]
    f.write_text(f.read_text(encoding="utf-8").replace("98.15%", "97.05%"), encoding="utf-8")
    new = a.ingest([f])[0]
    assert new.status == "replaced" and new.doc_id != old.doc_id
    assert [d.id for d in a.documents()] == [new.doc_id]
    assert a.chroma.doc_ids() == {new.doc_id}
    values = {str(x.value) for x in a.figures(metric="执行率")}
    assert "97.05" in values and "98.15" not in values


def test_failed_write_leaves_old_version_whole(hash_settings: Settings, tmp_path: Path) -> None:
    a = Assistant(hash_settings)
    f = _copy(tmp_path)
    old = a.ingest([f])[0]
    n_figs = len(a.figures())
    # a real database failure in the middle of the transaction: the chunk insert of the new version aborts
    db = sqlite3.connect(hash_settings.data_dir / "reportqa.sqlite3")
    db.execute(f"CREATE TRIGGER fail BEFORE INSERT ON chunks WHEN NEW.doc_id != '{old.doc_id}' "
               "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END")
    db.commit()
    db.close()
    f.write_text(f.read_text(encoding="utf-8").replace("98.15%", "97.05%"), encoding="utf-8")
    res = a.ingest([f])[0]
    assert res.status == "error" and "haizhu.txt" in res.message
    assert [d.id for d in a.documents()] == [old.doc_id]
    assert len(a.figures()) == n_figs
    assert a.chroma.doc_ids() == {old.doc_id}
    assert a.ask("2022年海珠区预算执行率是多少").value is not None


def test_bad_files_fail_alone(hash_settings: Settings, tmp_path: Path) -> None:
    good = _copy(tmp_path)
    empty = tmp_path / "in" / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "in" / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    unknown = tmp_path / "in" / "report.xyz"
    unknown.write_text("预算执行率为98.15%")
    res = {r.name: r for r in Assistant(hash_settings).ingest([empty, binary, unknown, good])}
    assert res["haizhu.txt"].status == "added"
    for name in ("empty.txt", "binary.txt", "report.xyz"):
        assert res[name].status == "error" and name in res[name].message, res[name]
        assert "\n" not in res[name].message


def test_delete_removes_everything(hash_settings: Settings, tmp_path: Path) -> None:
    a = Assistant(hash_settings)
    r = a.ingest([_copy(tmp_path)])[0]
    a.delete_document(r.doc_id)
    assert a.documents() == [] and a.figures() == [] and a.chroma.doc_ids() == set()
    from core.errors import NotFound

    with pytest.raises(NotFound):
        a.delete_document(r.doc_id)


def test_reingest_replaces_in_place_and_keeps_the_document_when_the_file_is_gone(
        hash_settings: Settings, tmp_path: Path) -> None:
    a = Assistant(hash_settings)
    f = _copy(tmp_path)
    first = a.ingest([f], org="广州市海珠区应急管理局")[0]
    again = a.reingest(first.doc_id)
    assert again.status == "replaced" and again.doc_id == first.doc_id and again.org == "广州市海珠区应急管理局"
    assert a.chroma.collection.count() == first.n_chunks
    f.unlink()
    failed = a.reingest("haizhu.txt")
    assert failed.status == "error" and "haizhu.txt" in failed.message
    assert [d.id for d in a.documents()] == [first.doc_id] and len(a.figures()) == first.n_figures
