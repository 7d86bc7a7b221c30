"""`reportqa eval --by doc` and `--folds K` in-process on the seed reports, with the hash embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from core.errors import BadInput, ReportQAError
from tests.conftest import GOLD, SAMPLES


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The CLI on one data directory holding the two seed reports (ingested once for the module)."""
    runner = CliRunner()
    data = str(tmp_path_factory.mktemp("cli") / "data")

    def invoke(*args: str) -> tuple[int, str]:
        r = runner.invoke(cli, ["--data-dir", data, *args], catch_exceptions=False)
        return r.exit_code, r.output

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPORTQA_EMBEDDER", "hash")
        assert invoke("ingest", str(SAMPLES))[0] == 0
        yield invoke


def test_by_doc_breakdown(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "o"
    code, text = run("eval", str(GOLD), "--out", str(out), "--limit", "12", "--config", "naive", "--by", "doc")
    assert code == 0 and '"wrong_figures"' in text and '"answered_precision"' in text
    summary = json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]
    assert sum(v["n"] for v in summary["by_doc"].values()) == 12
    assert any(d.startswith("001_") for d in summary["by_doc"])
    assert "## By document" in (out / "report.md").read_text(encoding="utf-8")
    assert "<h2>By document</h2>" in (out / "report.html").read_text(encoding="utf-8")
    floor = tmp_path / "floor.json"
    wrong, precision = summary["wrong_figures"], summary["answered_precision"]
    assert precision is not None and 0 <= wrong <= summary["figures_given"] <= 12
    for limits, expected in [({"wrong_figures_max": wrong, "answered_precision": precision}, 0),
                             ({"wrong_figures_max": wrong, "answered_precision": precision + 0.01}, 1)]:
        floor.write_text(json.dumps(limits))
        code, _ = run("eval", str(GOLD), "--out", str(out), "--limit", "12", "--config", "naive", "--floor", str(floor))
        assert code == expected, limits
    with pytest.raises(ReportQAError, match="only breakdown is 'doc'"):
        run("eval", str(GOLD), "--by", "type")


def test_folds_fit_a_scorer_per_fold(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The seed gold names two reports: one fold each, each answered by a scorer fit on the other's questions."""
    out = tmp_path / "o"
    code, text = run("eval", str(GOLD), "--out", str(out), "--folds", "2")
    assert code == 0, text
    summary = json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]
    rows = summary["folds"]["per_fold"]
    assert len(rows) == 2 and sum(r["n"] for r in rows) == summary["n"]
    assert all(r["train"] > 0 for r in rows)
    assert rows[0]["docs"] != rows[1]["docs"]
    with pytest.raises(BadInput, match="--folds 3 needs at least 3 gold documents; the gold names 2"):
        run("eval", str(GOLD), "--out", str(out), "--folds", "3")
