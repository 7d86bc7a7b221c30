"""Accuracy on generated look-alike reports the system has never seen (other orgs, years, layouts, noise)."""

from __future__ import annotations

import json

import pytest

from app.pipeline import Assistant
from core.config import Settings
from eval.run import run_eval
from tests.generate import write_reports

SPECS = [  # near-duplicates: the same organisation in two years, two districts of one city, other cities
    ("佛山市南海区财政局", 2021, 11), ("佛山市南海区财政局", 2022, 12), ("佛山市顺德区财政局", 2022, 13),
    ("深圳市福田区应急管理局", 2023, 14), ("珠海市香洲区民政局", 2020, 15), ("东莞市教育局", 2022, 16),
]


@pytest.fixture(scope="module")
def lookalike_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("lookalike")
    reports = write_reports(root / "reports", SPECS[:3], noise=False)
    reports += write_reports(root / "reports", SPECS[3:], noise=True)
    gold = root / "gold.jsonl"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for r in reports for g in r.gold),
                    encoding="utf-8")
    a = Assistant(Settings(data_dir=root / "data", embedder="hash"), always_retrieve=True)
    results = a.ingest([root / "reports"])
    assert all(r.status == "added" for r in results), results
    return run_eval(gold, a.ask, root / "out", progress=False)


def test_figures_on_unseen_reports(lookalike_run: dict) -> None:
    by_type = lookalike_run["by_type"]
    n = sum(by_type[t]["n"] for t in ("numeric", "computed", "comparison") if t in by_type)
    ok = sum(by_type[t]["correct"] for t in ("numeric", "computed", "comparison") if t in by_type)
    assert n >= 60
    # 2026-11-30: 172/187 with the scorer fit on published reports (was 187/187 with rules tuned on these
    # generated layouts); below the 95% the real-reports issue asks — an open gap recorded in the issue note.
    # 2026-12-01: 165/187 once the answer threshold is chosen on out-of-fold answers (0.87 instead of 0.67): fewer
    # answers everywhere, and on the published reports left out 6 wrong figures instead of 14
    assert ok / n >= 0.87, json.dumps(by_type, ensure_ascii=False)


def test_unanswerable_refused_and_nothing_fabricated(lookalike_run: dict) -> None:
    assert lookalike_run["by_type"]["unanswerable"]["accuracy"] == 1.0
    assert lookalike_run["fabricated"] == 0


def test_citations_on_unseen_reports(lookalike_run: dict) -> None:
    assert lookalike_run["citation_accuracy"] >= 0.95
