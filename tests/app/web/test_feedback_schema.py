"""Feedback is schema-checked at the API, and the export skips (and reports) rows that cannot make a valid gold
line instead of crashing or writing Infinity."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
from typer.testing import CliRunner

from app.cli import cli
from app.web.feedback import FeedbackStore
from tests.app.conftest import Live

GOOD = {"answer": "预算执行率为98.15%。", "route": "figure", "value": 98.15, "unit": "%", "refused": False,
        "citations": [{"doc": "r.txt", "section": "二", "text": "预算执行率为98.15%", "start": 0, "end": 12}]}


def _raw_row(db: Path, question: str, answer_json: str) -> None:
    """A row as the old API stored it (it accepted any answer object)."""
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO feedback (created_at, question, rating, answer_json, correction, evidence) "
                     "VALUES ('2026-01-01T00:00:00+00:00', ?, 1, ?, '', '')", (question, answer_json))


def test_export_skips_bad_rows_and_writes_valid_json(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(db)
    store.record("好问题", "up", GOOD)
    _raw_row(db, "引用是字符串", json.dumps({**GOOD, "citations": "r.txt"}))
    _raw_row(db, "无穷大", '{"answer": "x", "route": "figure", "value": Infinity, "citations": []}')
    _raw_row(db, "不是对象", '"just a string"')
    out = tmp_path / "gold.jsonl"
    done = store.export(out)
    text = out.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    lines = [json.loads(x, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c))) for x in text.splitlines()]
    assert [x["question"] for x in lines] == ["好问题"] and done.written == 1
    assert len(done.skipped) == 3 and all(s.startswith("row ") for s in done.skipped)
    assert any("citations" in s for s in done.skipped)


def test_cli_export_reports_skipped_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = FeedbackStore(data / "feedback.sqlite3")
    store.record("好问题", "up", GOOD)
    _raw_row(data / "feedback.sqlite3", "引用是字符串", json.dumps({**GOOD, "citations": "r.txt"}))
    out = tmp_path / "gold.jsonl"
    r = CliRunner().invoke(cli, ["--data-dir", str(data), "feedback", "export", str(out)])
    assert r.exit_code == 0, r.output
    assert "1 gold lines written" in r.output and "skipped row 2" in r.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_api_refuses_malformed_feedback(live: Live) -> None:
    url = f"{live.url}/api/feedback"
    base = {"question": "2022年海珠区预算执行率是多少", "rating": "up"}
    bad = [{**base, "answer": {**GOOD, "citations": "r.txt"}},
           {**base, "answer": {**GOOD, "answer": "很长" * 1_000_000}},
           {**base, "answer": {**GOOD, "citations": [GOOD["citations"][0]] * 500}}]
    for body in bad:
        r = httpx.post(url, json=body, timeout=60)
        assert r.status_code in (413, 422), (r.status_code, r.text[:200])
    raw = json.dumps({**base, "answer": {**GOOD, "value": 1}}).replace('"value": 1', '"value": 1e309')
    r = httpx.post(url, content=raw.encode(), headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 422, r.text[:300]
    ok = httpx.post(url, json={**base, "answer": GOOD}, timeout=60)
    assert ok.status_code == 200 and ok.json()["id"] > 0
