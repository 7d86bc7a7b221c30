"""`reportqa bench --reports N` at a tiny N, and the answer state reading document texts from SQL on demand."""

from __future__ import annotations

import json
from pathlib import Path

from app.pipeline import Assistant, _Texts
from core.config import Settings
from eval.scale import run_scale
from tests.conftest import SAMPLES


def test_texts_are_read_by_id_and_few_are_kept(tmp_path: Path) -> None:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    res = a.ingest([SAMPLES])
    ids = [r.doc_id for r in res]
    texts = _Texts(a.store, ids, size=1)
    assert len(texts) == 2 and set(texts) == set(ids) and "nope" not in texts
    for i in ids + ids:
        assert texts[i] == a.store.document_text(i)
        assert list(texts._kept) == [i]  # only the last one read is held
    assert texts.get("nope") is None
    st = a.state()
    assert isinstance(st.texts, _Texts)
    a.delete_document(ids[0])
    assert texts[ids[0]] == ""  # deleted since the state was built: nothing to quote
    assert not a.ask("2020年广州市应急管理局预算执行率是多少").citations


def test_bench_reports_writes_json_markdown_and_plot(tmp_path: Path) -> None:
    lines: list[str] = []
    s = Settings(data_dir=tmp_path / "unused", embedder="hash")
    r = run_scale(s, 6, tmp_path / "out", lines.append, questions=30)
    saved = json.loads((tmp_path / "out" / "scale_6.json").read_text())
    assert saved == json.loads(json.dumps(r))
    assert r["docs_stored"] == 6 and r["ingest_errors"] == 0 and r["errors"] == 0
    assert r["questions"] == 30 and 0 <= r["accuracy"] <= 1 and r["chunks"] > 6
    assert "stand-in" in r["note"] and "stand-in" in (tmp_path / "out" / "scale_6.md").read_text()
    assert (tmp_path / "out" / "scale.png").stat().st_size > 1000
    assert not (tmp_path / "unused").exists()  # the bench never writes into the configured data dir
