"""Feedback storage and its export as gold lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.web.feedback import FeedbackStore, parse_figure
from core.errors import BadInput

CITE: dict[str, Any] = {"doc": "r.txt", "section": "二", "text": "预算执行率为98.15%", "start": 0, "end": 12}
FIGURE: dict[str, Any] = {"answer": "预算执行率为98.15%。", "route": "figure", "value": 98.15, "unit": "%", "refused": False,
          "citations": [CITE]}
REFUSAL: dict[str, Any] = {"answer": "报告中未找到答案：没有2021年的报告", "route": "refusal", "value": None, "unit": None,
           "refused": True, "citations": []}


def export(store: FeedbackStore, tmp_path: Path) -> list[dict]:
    path = tmp_path / "out" / "gold.jsonl"
    n = store.export_gold(path)
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert n == len(lines)
    return lines


def test_thumbs_up_confirms_the_answer(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record("2022年甲单位预算执行率是多少", "up", FIGURE)
    [g] = export(store, tmp_path)
    assert g["answer"] == "98.15%" and g["value"] == 98.15 and g["unit"] == "%"
    assert g["doc"] == "r.txt" and g["evidence"] == "预算执行率为98.15%" and g["type"] == "numeric"
    assert set(g) >= {"id", "question", "answer", "value", "unit", "doc", "evidence", "type"}


def test_correction_becomes_expected_answer_and_latest_wins(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record("q1", "up", FIGURE)
    store.record("q1", "down", FIGURE, correction="2626.63万元", evidence="年初预算为2626.63万元")
    store.record("q2", "down", FIGURE)  # 👎 without a correction says nothing about what is right
    [g] = export(store, tmp_path)
    assert g["question"] == "q1" and g["answer"] == "2626.63万元"
    assert g["value"] == 2626.63 and g["unit"] == "万元" and g["evidence"] == "年初预算为2626.63万元"


def test_refusals_become_unanswerable(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record("q-refused", 1, REFUSAL)
    store.record("q-wrong", -1, FIGURE, correction="报告中没有这个数")
    lines = {g["question"]: g for g in export(store, tmp_path)}
    for q in ("q-refused", "q-wrong"):
        g = lines[q]
        assert g["type"] == "unanswerable" and g["answer"] == "unanswerable" and g["doc"] is None


def test_text_correction_has_no_value(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record("自评等级是什么", -1, {"route": "text", "answer": "良", "citations": [CITE]}, correction="优")
    [g] = export(store, tmp_path)
    assert g["type"] == "text" and g["value"] is None and g["answer"] == "优"


def test_bad_rating_is_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(BadInput, match="rating"):
        store.record("q", "meh")
    with pytest.raises(BadInput, match="question"):
        store.record(" ", "up")


def test_parse_figure() -> None:
    assert parse_figure("98.15%") == (98.15, "%")
    assert parse_figure("约1,200.5万元左右") == (1200.5, "万元")
    assert parse_figure("43.7万家次") == (43.7, "万家次")
    assert parse_figure("优") == (None, None)
