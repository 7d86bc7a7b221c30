"""The reportqa command in-process: ingest, docs, figures, ask, eval, with the fake embedder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli, coverage_lines
from tests.conftest import GOLD, SAMPLES


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REPORTQA_EMBEDDER", "hash")
    runner = CliRunner()
    data = str(tmp_path / "data")

    def invoke(*args: str) -> tuple[int, str]:
        r = runner.invoke(cli, ["--data-dir", data, *args], catch_exceptions=False)
        return r.exit_code, r.output

    return invoke


def test_ingest_docs_figures_ask(run) -> None:  # type: ignore[no-untyped-def]
    code, text = run("ingest", str(SAMPLES))
    assert code == 0 and text.count("added") == 2 and "figure coverage" in text
    code, text = run("ingest", str(SAMPLES))
    assert text.count("unchanged") == 2
    code, text = run("docs", "list")
    assert "广州市海珠区应急管理局" in text and "2022" in text
    code, text = run("figures", "--year", "2022", "--metric", "执行率", "--csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(r["value"] == "98.15" and r["unit"] == "%" for r in rows)
    code, text = run("ask", "2022年海珠区预算执行率是多少")
    assert "98.15%" in text and "001_097af92d10472f3b.txt" in text
    code, text = run("ask", "2021年海珠区预算执行率是多少", "--json")
    ans = json.loads(text)
    assert ans["refused"] and "2022" in ans["reason"]
    doc_id = next(line.split()[0] for line in run("docs", "list")[1].splitlines() if "001_" in line)
    code, text = run("docs", "delete", doc_id)
    assert code == 0 and "deleted" in text
    code, text = run("ask", "2022年海珠区预算执行率是多少", "--json")
    assert json.loads(text)["refused"]


def test_eval_with_floor_and_compare(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(SAMPLES))
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    code, text = run("eval", str(GOLD), "--out", str(out_a), "--limit", "10")
    assert code == 0 and (out_a / "report.html").exists()
    code, text = run("eval", str(GOLD), "--out", str(out_b), "--limit", "10", "--config", "naive")
    assert code == 0
    code, text = run("eval", "--compare", str(out_a / "report.json"), str(out_b / "report.json"))
    assert code == 0 and "naive" in text
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"accuracy": 0.99}))
    code, _ = run("eval", str(GOLD), "--out", str(out_b), "--limit", "10", "--config", "naive", "--floor", str(floor))
    assert code == 1


def test_coverage_lines_summarise_per_report() -> None:
    rows = [("a.txt", "本年支出", 1), ("a.txt", "预算执行率", 2), ("b.txt", "得分", 1)]
    lines = coverage_lines(rows, {"a.txt"})
    assert len(lines) == 2 and "a.txt: 3 figures, 2 metrics" in lines[1] and "预算执行率 2" in lines[1]
