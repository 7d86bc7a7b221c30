"""run_eval end to end with a scripted system under test: summary, report files, floor check, compare."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.answer import Answer, Citation, Retrieved, refusal
from core.errors import BadInput, IndexNotBuilt
from eval.compare import compare
from eval.run import check_floor, run_eval
from eval.summary import percentile

DOC = "001_haizhu.txt"
GOLD = [
    {"id": "n1", "question": "2022年海珠区预算执行率是多少", "answer": "98.15%", "value": 98.15, "unit": "%",
     "doc": DOC, "evidence": "预算执行率为98.15%", "type": "numeric"},
    {"id": "n2", "question": "2022年海珠区年初预算是多少", "answer": "2626.63万元", "value": 2626.63, "unit": "万元",
     "doc": DOC, "evidence": "年初预算为2626.63万元", "type": "numeric"},
    {"id": "t1", "question": "自评等级是什么", "answer": "优", "value": None, "unit": None, "doc": DOC,
     "evidence": "等级为“优”", "type": "text"},
    {"id": "u1", "question": "2021年海珠区预算执行率是多少", "answer": "unanswerable", "value": None, "unit": None,
     "doc": None, "evidence": None, "type": "unanswerable"},
    {"id": "u2", "question": "三公经费<script>alert(1)</script>支出多少", "answer": "unanswerable", "value": None,
     "unit": None, "doc": None, "evidence": None, "type": "unanswerable"},
]


def _cite(text: str) -> Citation:
    return Citation(doc=DOC, section="一、部门概况", text=text, start=0, end=len(text))


def _ret(text: str) -> Retrieved:
    return Retrieved(chunk_id=text[:6], doc=DOC, section="", text=text, score=0.5)


SCRIPT = {  # the system under test, scripted: one wrong figure, one fabricated answer, one refusal
    "2022年海珠区预算执行率是多少": Answer(
        question="", answer="预算执行率为98.15%", value=Decimal("98.15"), unit="%", route="figure",
        citations=[_cite("预算执行率为98.15%")], retrieved=[_ret("预算执行率为 98.15%")]),
    "2022年海珠区年初预算是多少": Answer(
        question="", answer="年初预算为2626.6万元", route="figure", citations=[_cite("年初预算为2626.63万元")],
        retrieved=[_ret("其他"), _ret("年初预算为2626.63万元")]),
    "自评等级是什么": Answer(question="", answer="等级为“优”", route="text", citations=[_cite("自评得分96分")]),
    "2021年海珠区预算执行率是多少": refusal("2021年海珠区预算执行率是多少", "没有2021年的报告"),
    "三公经费<script>alert(1)</script>支出多少": Answer(question="", answer="三公经费为12.5万元 <b>估算</b>", route="text"),
}


def fake_ask(question: str) -> Answer:
    return SCRIPT[question]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    p = tmp_path / "gold.jsonl"
    p.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8")
    return p


def test_run_eval_summary_and_reports(gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    s = run_eval(gold_file, fake_ask, out, config="scripted", progress=False)
    assert (s["n"], s["correct"], s["accuracy"]) == (5, 3, 0.6)
    assert s["by_type"]["numeric"] == {"n": 2, "correct": 1, "accuracy": 0.5}
    assert s["by_type"]["unanswerable"]["correct"] == 1
    assert s["refusal"] == {"precision": 1.0, "recall": 0.5, "refused": 1, "unanswerable": 2, "with_figure": 0}
    assert s["fabricated"] == 1 and s["fabricated_figures"] == 1
    # n1 right, n2 a wrong figure, u2 a figure for an unanswerable question; t1 is text, u1 refused
    assert (s["figures_given"], s["right_figures"], s["wrong_figures"]) == (3, 1, 2)
    assert s["answered_precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["figure_questions"] == {"n": 2, "correct": 1, "accuracy": 0.5}
    assert "by_doc" not in s
    assert s["citation_accuracy"] == pytest.approx(2 / 3, abs=1e-4) and s["citation_n"] == 3  # t1 cites elsewhere
    assert s["retrieval"] == {"hit_at_1": 0.5, "hit_at_5": 1.0, "mrr": 0.75, "n": 2}
    assert set(s["latency_ms"]["by_route"]) == {"figure", "text", "refusal"}
    assert s["config"] == "scripted" and s["date"]

    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["summary"]["accuracy"] == 0.6
    items = {i["id"]: i for i in doc["items"]}
    assert set(items["n2"]) >= {"id", "type", "question", "expected", "got", "correct", "reason", "route",
                                "citations", "latency_ms"}
    assert not items["n2"]["correct"] and "2626.63万元" in items["n2"]["reason"]
    assert items["u2"]["fabricated"] == ["12.5万元"]

    assert items["n2"]["wrong_figure"] and items["u2"]["wrong_figure"] and not items["n1"]["wrong_figure"]

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "accuracy 60.0%" in md and "n2" in md
    assert "Wrong figures stated: 2**; answered precision 33.3% (1 right of 3 figures given" in md
    assert "Figure questions (numeric, computed, comparison): 50.0% (1/2)" in md
    assert "By document" not in md
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "wrong figures stated<b>2</b>" in page and "answered precision<b>33.3%</b>" in page


def test_by_doc_breakdown_in_all_three_reports(gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    s = run_eval(gold_file, fake_ask, out, progress=False, per_doc=True)
    assert list(s["by_doc"]) == [DOC, "(no document)"]
    assert s["by_doc"][DOC] == {"n": 3, "correct": 2, "accuracy": 0.6667, "refused": 0, "wrong_figures": 1,
                                "fabricated": 0}
    assert s["by_doc"]["(no document)"] == {"n": 2, "correct": 1, "accuracy": 0.5, "refused": 1,
                                            "wrong_figures": 1, "fabricated": 1}
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## By document" in md and f"| {DOC} | 3 | 2 | 66.7% | 0 | 1 | 0 |" in md
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>By document</h2>" in page and f"<tr><td>{DOC}</td><td>3</td><td>2</td>" in page
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["summary"]["by_doc"]["(no document)"]["n"] == 2


def test_html_is_self_contained_escaped_and_failures_first(gold_file: Path, tmp_path: Path) -> None:
    run_eval(gold_file, fake_ask, tmp_path / "out", progress=False)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<b>估算" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and "<rect" in page
    assert page.index("n2") < page.index("n1")  # failures come before correct answers
    assert "Accuracy by type" in page


def test_limit_and_errors_in_ask(gold_file: Path, tmp_path: Path) -> None:
    def flaky(question: str) -> Answer:
        if "年初预算" in question:
            raise RuntimeError("boom")
        return fake_ask(question)

    s = run_eval(gold_file, flaky, tmp_path / "o", limit=2, progress=True)
    assert s["n"] == 2 and s["errors"] == 1
    item = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))["items"][1]
    assert item["route"] == "error" and "RuntimeError: boom" in item["reason"]
    assert item["citation_hit"] is None and s["answered"] == 1


def test_fatal_errors_stop_the_run(gold_file: Path, tmp_path: Path) -> None:
    def empty(question: str) -> Answer:
        raise IndexNotBuilt("nothing ingested")

    with pytest.raises(IndexNotBuilt):
        run_eval(gold_file, empty, tmp_path / "o", progress=False)


def test_check_floor(gold_file: Path, tmp_path: Path) -> None:
    s = run_eval(gold_file, fake_ask, tmp_path / "o", progress=False)
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"accuracy": 0.5, "refusal_recall": 0.5, "fabricated_max": 1}), encoding="utf-8")
    assert check_floor(s, floor) == []
    floor.write_text(json.dumps({"accuracy": 0.9, "fabricated_max": 0, "accuracy_text": 1.0}), encoding="utf-8")
    problems = check_floor(s, floor)
    assert len(problems) == 2 and problems[0].startswith("accuracy: 0.6 < floor 0.9")
    floor.write_text(json.dumps({"answered_precision": 0.3, "wrong_figures_max": 2, "accuracy_figure": 0.5}),
                     encoding="utf-8")
    assert check_floor(s, floor) == []
    floor.write_text(json.dumps({"answered_precision": 0.97, "wrong_figures_max": 1, "accuracy_figure": 0.8}),
                     encoding="utf-8")
    assert check_floor(s, floor) == ["answered_precision: 0.3333 < floor 0.97", "wrong_figures_max: 2 > allowed 1",
                                     "accuracy_figure: 0.5 < floor 0.8"]
    floor.write_text(json.dumps({"acuracy": 0.9}), encoding="utf-8")
    with pytest.raises(BadInput, match="unknown key"):
        check_floor(s, floor)
    repo_floor = Path(__file__).resolve().parents[2] / "eval" / "floor.json"
    assert check_floor(s, repo_floor)  # the repo's floor is valid and far above a 60% run
    assert check_floor(s, repo_floor.with_name("floor_real.json"))  # valid keys; above a 33%-precision run


def test_compare_shows_changed_questions(gold_file: Path, tmp_path: Path) -> None:
    run_eval(gold_file, fake_ask, tmp_path / "a", config="before", progress=False)
    better = dict(SCRIPT)
    better["2022年海珠区年初预算是多少"] = Answer(question="", answer="2626.63万元", route="figure")
    run_eval(gold_file, lambda q: better[q], tmp_path / "b", config="after", progress=False)
    table = compare(tmp_path / "a" / "report.json", tmp_path / "b")
    assert "| accuracy | 60.0% | 80.0% | +20.0% |" in table
    assert "| wrong figures stated | 2 | 1 | -1 |" in table and "| answered precision | 33.3% | 66.7% |" in table
    assert "| numeric | 1/2 | 2/2 |" in table
    assert "Changed: 1 questions (1 now right, 0 now wrong)" in table
    assert "| n2 | numeric | ✗ | ✓ |" in table
    with pytest.raises(BadInput):
        compare(tmp_path / "missing.json", tmp_path / "b")


def test_percentile() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert percentile([1.0] * 19 + [100.0], 95) == pytest.approx(5.95, abs=0.1)


def test_latency_histogram_puts_outliers_in_one_bar() -> None:
    from eval.page import latency_svg

    svg = latency_svg([5.0] * 20 + [2000.0])
    assert svg.count("<rect") == 12 and "≥" in svg and "2000" not in svg
    assert latency_svg([]) == "<p>No latencies.</p>"
