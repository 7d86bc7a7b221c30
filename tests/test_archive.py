"""`reportqa export` / `reportqa import`: the same answers after a restore, on SQLite and on PostgreSQL with a Chroma
server, and a bad archive names itself and its problem and leaves the current data as it was."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.pipeline import Assistant
from app.web.feedback import FeedbackStore
from core.config import Settings
from core.errors import BadInput
from tests.app.conftest import report_text
from tests.conftest import SAMPLES, answers_of
from tests.test_scaleout import chroma_server, pg_schema_url  # noqa: F401 - fixtures
from tests.vectorstore.conftest import postgres_url  # noqa: F401 - fixture
from vectorstore.archive import export_data
from vectorstore.doctor import check
from vectorstore.restore import import_data

QUESTIONS = ["2022年海珠区预算执行率是多少", "2020年广州市应急管理局预算执行率是多少",
             "2022年海珠区应急管理局项目支出占本年支出的比例是多少", "2021年海珠区预算执行率是多少",
             "海珠区应急管理局2022年存在的主要问题是什么", "2023年番禺区财政局预算执行率是多少",
             "2020年广州市应急管理局和2022年海珠区应急管理局，谁的预算执行率更高"]


def _answers(a: Assistant) -> list[dict[str, Any]]:
    return answers_of(a, QUESTIONS)


def _filled(s: Settings) -> Assistant:
    """Both samples from the CLI's way in, one uploaded report, a correction and a feedback row."""
    from app.web.uploads import ingest_saved, save

    a = Assistant(s)
    assert [r.status for r in a.ingest([SAMPLES])] == ["added", "added"]
    raw = report_text("广州市番禺区财政局", 2023, "93.40", "1200.00").encode()
    path = save(io.BytesIO(raw).read, "番禺区自评报告.txt", s.data_dir / "uploads", 1 << 20)
    assert [r.status for r in ingest_saved(a, [(path, "番禺区自评报告.txt")])] == ["added"]
    a.store.set_correction("000_817fa173afb523db.txt", report_type="部门整体支出绩效自评报告")
    FeedbackStore.from_settings(s).record("2022年海珠区预算执行率是多少", "up", correction="98.15%")
    return a


def _consistent(a: Assistant) -> None:
    found = check(a.store, a.chroma, a.settings.data_dir)
    assert found.ok and found.bm25 == "current", found.lines()


def test_round_trip_on_sqlite_keeps_answers_uploads_corrections_and_feedback(tmp_path: Path) -> None:
    a = _filled(Settings(data_dir=tmp_path / "one", embedder="hash"))
    before = _answers(a)
    assert not before[0]["refused"] and not before[5]["refused"]  # the uploaded report answers too
    archive = tmp_path / "backup.tar.gz"
    done = export_data(a.store, a.chroma, a.settings, archive)
    assert (done.documents, done.uploads, done.feedback) == (3, 1, True)

    b = Assistant(Settings(data_dir=tmp_path / "two", embedder="hash"))
    got = import_data(b.store, b.chroma, b.settings, archive)
    assert got == done
    assert _answers(b) == before
    _consistent(b)
    docs = {d.name: d for d in b.documents()}
    assert [d.name for d in a.documents()] == sorted(docs)
    uploaded = Path(docs["番禺区自评报告.txt"].path)
    assert uploaded.parent == (tmp_path / "two" / "uploads").resolve() and uploaded.is_file()
    assert docs["000_817fa173afb523db.txt"].corrected == ("report_type",)
    rows = FeedbackStore.from_settings(b.settings).records()
    assert [(r.question, r.correction) for r in rows] == [("2022年海珠区预算执行率是多少", "98.15%")]
    assert b.reingest("番禺区自评报告.txt").status == "replaced"  # its restored upload is readable: ingested again
    assert _answers(b) == before


@pytest.mark.postgres
def test_round_trip_on_postgres_and_a_chroma_server(tmp_path: Path, chroma_server: str,  # noqa: F811
                                                    pg_schema_url: str, postgres_url: str) -> None:  # noqa: F811
    import uuid

    import sqlalchemy as sa

    a = _filled(Settings(data_dir=tmp_path / "pg1", embedder="hash", chroma_url=chroma_server,
                         figures_url=pg_schema_url))
    before = _answers(a)
    archive = tmp_path / "pg.tar.gz"
    export_data(a.store, a.chroma, a.settings, archive)
    schema = f"rq_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        s = Settings(data_dir=tmp_path / "pg2", embedder="hash", chroma_url=chroma_server, collection="restored",
                     figures_url=f"{postgres_url}?options=-csearch_path%3D{schema}")
        b = Assistant(s)
        import_data(b.store, b.chroma, s, archive)
        assert _answers(b) == before
        _consistent(b)
        # an archive of a SQLite data directory restores into PostgreSQL with the same answers
        c = _filled(Settings(data_dir=tmp_path / "lite", embedder="hash"))
        export_data(c.store, c.chroma, c.settings, tmp_path / "lite.tar.gz")
        import_data(b.store, b.chroma, s, tmp_path / "lite.tar.gz", replace=True)
        assert _answers(b) == _answers(c) == before
        _consistent(b)
        b.close()
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def _write(path: Path, members: dict[str, bytes], *, reseal: bool = True) -> Path:
    """An archive of these members; ``reseal`` puts their true sha256 into the manifest (a consistent forgery)."""
    if reseal:
        manifest = json.loads(members["manifest.json"])
        manifest["files"] = {n: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                             for n, b in members.items() if n != "manifest.json"}
        members = {**members, "manifest.json": json.dumps(manifest).encode()}
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


def _edit(members: dict[str, bytes], name: str, change: Any) -> dict[str, bytes]:
    lines = [json.loads(x) for x in members[name].decode().splitlines() if x.strip()]
    lines = change(lines)
    return {**members, name: "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()}


def _manifest(members: dict[str, bytes], **changes: Any) -> dict[str, bytes]:
    return {**members, "manifest.json": json.dumps({**json.loads(members["manifest.json"]), **changes}).encode()}


def test_a_bad_archive_names_itself_and_changes_nothing(tmp_path: Path) -> None:
    a = _filled(Settings(data_dir=tmp_path / "live", embedder="hash"))
    good = tmp_path / "good.tar.gz"
    export_data(a.store, a.chroma, a.settings, good)
    m = _members(good)
    dup_doc = _edit(m, "sql/documents.jsonl", lambda rows: rows + [{**rows[0], "id": "x" * 64}])
    bad: dict[str, tuple[Path, str]] = {
        "random bytes": (_write_raw(tmp_path / "junk.tar.gz", b"\x00junk" * 999), "not a readable reportqa archive"),
        "cut short": (_write_raw(tmp_path / "cut.tar.gz", good.read_bytes()[: good.stat().st_size // 2]),
                      "not a readable reportqa archive"),
        "no manifest": (_write(tmp_path / "nomanifest.tar.gz", {k: v for k, v in m.items() if k != "manifest.json"},
                               reseal=False), "no manifest.json"),
        "member altered": (_write(tmp_path / "altered.tar.gz", {**m, "vectors.npy": _flip(m["vectors.npy"])},
                                  reseal=False), "vectors.npy does not match its sha256"),
        "member missing": (_write(tmp_path / "missing.tar.gz", {k: v for k, v in m.items() if k != "vectors.npy"},
                                  reseal=False), "members do not match the manifest"),
        "path outside": (_write(tmp_path / "escape.tar.gz", {**m, "../evil.txt": b"x"}), "unexpected member"),
        "other model": (_write(tmp_path / "model.tar.gz", _manifest(m, model_id="e5-small@x", embedder="e5-small")),
                        "REPORTQA_EMBEDDER=e5-small"),
        "newer format": (_write(tmp_path / "v9.tar.gz", _manifest(m, version=9)), "format version 9"),
        "row without a column": (_write(tmp_path / "cols.tar.gz", _edit(m, "sql/chunks.jsonl", lambda rows: [
            {k: v for k, v in r.items() if k != "page"} for r in rows])), "sql/chunks.jsonl line 1"),
        "a vector short": (_write(tmp_path / "vec.tar.gz", _edit(m, "vectors.jsonl", lambda rows: rows[1:])),
                           "every chunk needs one vector"),
        "refused by the database": (_write(tmp_path / "dup.tar.gz", _manifest(dup_doc, counts={
            **json.loads(m["manifest.json"])["counts"], "documents": 4})), "the database refused its rows"),
    }
    want = _answers(a)
    gen, count, names = a.store.generation(), a.chroma.collection.count(), [d.name for d in a.documents()]
    uploads = sorted(p.name for p in (a.settings.data_dir / "uploads").iterdir())
    collections = sorted(c.name for c in a.chroma.client.list_collections())
    for kind, (path, words) in bad.items():
        with pytest.raises(BadInput) as e:
            import_data(a.store, a.chroma, a.settings, path, replace=True)
            pytest.fail(f"{kind}: imported")
        msg = str(e.value)
        assert msg.startswith(path.name) and words in msg and "\n" not in msg, (kind, msg)
        assert a.store.generation() == gen and [d.name for d in a.documents()] == names, kind
        assert a.chroma.collection.count() == count, kind
        assert sorted(c.name for c in a.chroma.client.list_collections()) == collections, kind
        assert sorted(p.name for p in (a.settings.data_dir / "uploads").iterdir()) == uploads, kind
        assert not list(a.settings.data_dir.glob(".import-*")), kind
    assert _answers(a) == want
    _consistent(a)


def _flip(raw: bytes) -> bytes:
    return raw[:-8] + bytes(255 - b for b in raw[-8:])


def _write_raw(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


def test_cli_export_and_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_EMBEDDER", "hash")
    runner = CliRunner()

    def run(data: str, *args: str) -> tuple[int, str]:
        r = runner.invoke(cli, ["--data-dir", str(tmp_path / data), *args])
        return r.exit_code, r.output + (r.stderr if r.stderr_bytes is not None else "")

    assert run("a", "ingest", str(SAMPLES))[0] == 0
    code, text = run("a", "export", str(tmp_path / "a.tar.gz"))
    assert code == 0 and "exported 2 documents" in text, text
    code, text = run("b", "import", str(tmp_path / "a.tar.gz"))
    assert code == 0 and "imported 2 documents" in text, text
    code, text = run("b", "import", str(tmp_path / "a.tar.gz"))
    assert code != 0  # a second import without --replace would replace what is stored: refused
    code, text = run("b", "ask", "2022年海珠区预算执行率是多少")
    assert "98.15%" in text
    assert run("b", "import", str(tmp_path / "a.tar.gz"), "--replace")[0] == 0
