"""Gold file loading: valid lines, and errors that name the file, the line and the problem."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import BadInput
from eval.gold import load_gold
from tests.conftest import GOLD


def line(**over: object) -> str:
    base: dict[str, object] = {"id": "q1", "question": "2022年海珠区预算执行率是多少", "answer": "98.15%",
                               "value": 98.15, "unit": "%", "doc": "a.txt", "evidence": "预算执行率为98.15%",
                               "type": "numeric"}
    base.update(over)
    return json.dumps({k: v for k, v in base.items() if v is not ...}, ensure_ascii=False)


def write(tmp_path: Path, *lines: str) -> Path:
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_loads_items_with_exact_decimals_and_doc_lists(tmp_path: Path) -> None:
    p = write(tmp_path, line(), "", line(id="q2", type="comparison", value=None, unit=None, doc="a.txt, b.txt",
                                         answer="A（99.23%，高于B的98.15%）", note="two docs"),
              line(id="q3", type="unanswerable", answer="unanswerable", value=None, unit=None, doc=None,
                   evidence=None))
    items = load_gold(p)
    assert [i.id for i in items] == ["q1", "q2", "q3"]
    assert items[0].value == Decimal("98.15") and items[0].is_figure
    assert items[1].docs == ["a.txt", "b.txt"] and items[1].note == "two docs"
    assert items[2].docs == [] and items[2].evidence is None


@pytest.mark.parametrize(("bad", "message"), [
    ('{"id": "q9", "question": ', "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    (line(evidence=...), "missing field(s) evidence"),
    (line(type="numberic"), "unknown type 'numberic'"),
    (line(value=None), "needs a 'value'"),
    (line(value="lots"), "must be a number"),
    (line(value=True), "must be a number"),
    (line(question=""), "'question' is empty"),
    (line(answer=None), "'answer' is empty"),
    (line(type="unanswerable", value=5), "must have null 'value'"),
    (line(doc=3), "'doc' must be a string"),
])
def test_bad_lines_name_file_line_and_problem(tmp_path: Path, bad: str, message: str) -> None:
    p = write(tmp_path, line(id="ok"), bad)
    with pytest.raises(BadInput) as err:
        load_gold(p)
    assert f"{p}:2:" in str(err.value)
    assert message in str(err.value)


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    p = write(tmp_path, line(), line(id="q2"), line())
    with pytest.raises(BadInput, match=r"gold.jsonl:3: duplicate id 'q1' \(first on line 1\)"):
        load_gold(p)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        load_gold(tmp_path / "nope.jsonl")
    with pytest.raises(BadInput, match="has no questions"):
        load_gold(write(tmp_path, "", "  "))


def test_seed_gold_file_is_valid() -> None:
    items = load_gold(GOLD)
    assert len(items) >= 60
    assert {i.type for i in items} == {"numeric", "computed", "comparison", "text", "unanswerable"}


def test_to_example_keeps_what_a_scorer_learns_from(tmp_path: Path) -> None:
    from core.records import Example
    from eval.gold import to_example

    items = load_gold(write(tmp_path, line(doc="a.txt, b.txt", type="comparison", value=None, unit=None),
                           line(id="u", type="unanswerable", answer="unanswerable", value=None, unit=None,
                                doc=None, evidence=None)))
    assert to_example(items[0]) == Example(question="2022年海珠区预算执行率是多少", type="comparison", answer="98.15%",
                                           value=None, unit="", docs=("a.txt", "b.txt"), evidence="预算执行率为98.15%")
    u = to_example(items[1])
    assert (u.type, u.docs, u.evidence, u.unit, u.value) == ("unanswerable", (), "", "", None)
    n = to_example(load_gold(write(tmp_path, line()))[0])
    assert (n.value, n.unit, n.docs) == (Decimal("98.15"), "%", ("a.txt",))
