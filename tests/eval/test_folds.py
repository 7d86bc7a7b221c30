"""Leave-documents-out folds: the split, what each fold may learn from, and a run with a scripted learner."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from core.answer import Answer, refusal
from core.errors import BadInput
from core.records import Example
from eval.folds import assign_folds, doc_folds, run_folds, training_items
from eval.gold import GoldItem, load_gold


def item(id: str, doc: str | None, type: str = "numeric") -> GoldItem:
    value = Decimal(len(id)) if type == "numeric" else None
    return GoldItem(id=id, question=f"{id}的预算执行率是多少", answer=f"{value}%" if value else "unanswerable",
                    value=value, unit="%" if value else None, doc=doc, evidence=f"执行率为{value}%" if value else None,
                    type=type)


DOCS = ["d.txt", "b.txt", "a.txt", "c.txt", "e.txt"]
ITEMS = [item(f"q{i}", DOCS[i % 5]) for i in range(10)] + \
    [item(f"u{i}", None, "unanswerable") for i in range(6)] + [item("cmp", "a.txt, d.txt", "comparison")]


def test_docs_are_sorted_and_dealt_round_robin() -> None:
    assert doc_folds(ITEMS, 2) == {"a.txt": 0, "b.txt": 1, "c.txt": 0, "d.txt": 1, "e.txt": 0}
    assert doc_folds(list(reversed(ITEMS)), 2) == doc_folds(ITEMS, 2)  # order of the gold does not matter
    with pytest.raises(BadInput, match="at least 6 gold documents; the gold names 5"):
        doc_folds(ITEMS, 6)
    with pytest.raises(BadInput, match="at least 2 folds"):
        doc_folds(ITEMS, 1)


def test_items_follow_their_document_and_unanswerables_a_hash_of_their_id() -> None:
    folds = assign_folds(ITEMS, 5)
    by_doc = doc_folds(ITEMS, 5)
    for it, f in zip(ITEMS, folds, strict=True):
        expected = by_doc[it.docs[0]] if it.docs else zlib.crc32(it.id.encode()) % 5
        assert f == expected
    assert folds[-1] == by_doc["a.txt"]  # a comparison goes with its first document
    assert assign_folds(ITEMS[10:] + ITEMS[:10], 5) == folds[10:] + folds[:10]  # stable, per item


def test_training_never_shares_a_document_with_the_fold() -> None:
    folds = assign_folds(ITEMS, 5)
    for fold in range(5):
        held = {d for it, f in zip(ITEMS, folds, strict=True) if f == fold for d in it.docs}
        train = training_items(ITEMS, folds, fold)
        assert train and all(not held.intersection(t.docs) for t in train)
        assert all(f != fold for t, f in zip(ITEMS, folds, strict=True) if t in train)
        # everything else from the other folds is used
        assert len(train) == sum(f != fold and not held.intersection(t.docs) for t, f in zip(ITEMS, folds, strict=True))
    d_fold = doc_folds(ITEMS, 5)["d.txt"]
    assert not any(t.id == "cmp" for t in training_items(ITEMS, folds, d_fold))  # spans a.txt's and d.txt's folds


class Memorizer:
    """A scripted learner: answers exactly the questions it was fit on, refuses the others. Under
    leave-documents-out it must therefore answer no question with a document (all are unseen)."""

    def __init__(self) -> None:
        self.model: frozenset[str] | None = None
        self.fits: list[list[Example]] = []
        self.answers: dict[str, Example] = {}

    def fit(self, examples: list[Example], progress: Callable[[int, int], None]) -> frozenset[str]:
        progress(len(examples), len(examples))
        self.fits.append(examples)
        self.answers.update({e.question: e for e in examples})
        return frozenset(e.question for e in examples)

    def use(self, model: frozenset[str] | None) -> None:
        self.model = model

    def ask(self, question: str) -> Answer:
        if self.model is None or question not in self.model or self.answers[question].type == "unanswerable":
            return refusal(question, "没有学过")
        e = self.answers[question]
        return Answer(question=question, answer=e.answer, value=e.value, unit=e.unit, route="figure")


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    lines = [{"id": it.id, "question": it.question, "answer": it.answer, "value": str(it.value) if it.value else None,
              "unit": it.unit, "doc": it.doc, "evidence": it.evidence, "type": it.type} for it in ITEMS[:16]]
    p = tmp_path / "gold.jsonl"
    p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return p


def test_run_folds_scores_every_question_with_a_model_that_never_saw_it(gold_file: Path, tmp_path: Path) -> None:
    learner = Memorizer()
    s = run_folds(gold_file, learner.ask, learner.fit, learner.use, tmp_path / "o", k=5, progress=False,
                  per_doc=True)
    assert learner.model is None  # the packaged scorer is back
    assert len(learner.fits) == 5 and all(len(f) >= 8 for f in learner.fits)
    # a memorizer knows nothing it was not shown: every answerable question refused, every unanswerable right
    assert (s["n"], s["correct"]) == (16, 6)
    assert s["refusal"]["refused"] == 16 and s["wrong_figures"] == 0
    rows = s["folds"]["per_fold"]
    assert [r["fold"] for r in rows] == [1, 2, 3, 4, 5] and sum(r["n"] for r in rows) == 16
    assert rows[0]["docs"] == ["a.txt"] and rows[0]["train"] == len(learner.fits[0])
    assert sorted(u for r in rows for u in r["without_doc"]) == [f"u{i}" for i in range(6)]
    assert "CRC-32" in s["folds"]["method"] and "5-fold" in s["config"]
    items = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))["items"]
    assert [i["id"] for i in items] == [it.id for it in load_gold(gold_file)]  # gold order kept
    md = (tmp_path / "o" / "report.md").read_text(encoding="utf-8")
    assert "## Leave-documents-out folds (5)" in md and "## By document" in md
    assert "Leave-documents-out folds (5)" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def test_in_sample_memorizer_would_be_perfect(gold_file: Path, tmp_path: Path) -> None:
    """The control for the test above: fit on everything, the same learner answers every question."""
    from eval.run import run_eval

    learner = Memorizer()
    learner.use(learner.fit([Example(question=i.question, type=i.type, answer=i.answer, value=i.value,
                                     unit=i.unit or "") for i in load_gold(gold_file)], lambda done, total: None))
    s = run_eval(gold_file, learner.ask, tmp_path / "o", progress=False)
    assert s["accuracy"] == 1.0 and s["answered_precision"] == 1.0


def test_use_none_even_when_a_fold_fails(gold_file: Path, tmp_path: Path) -> None:
    learner = Memorizer()

    def broken_fit(examples: list[Example], progress: Callable[[int, int], None]) -> frozenset[str]:
        if learner.fits:
            raise RuntimeError("fit failed")
        return learner.fit(examples, progress)

    with pytest.raises(RuntimeError):
        run_folds(gold_file, learner.ask, broken_fit, learner.use, tmp_path / "o", k=5, progress=False)
    assert learner.model is None


def _write(path: Path, items: list[GoldItem]) -> Path:
    path.write_text("\n".join(json.dumps({"id": it.id, "question": it.question, "answer": it.answer,
                                          "value": str(it.value) if it.value is not None else None,
                                          "unit": it.unit, "doc": it.doc, "evidence": it.evidence,
                                          "type": it.type}, ensure_ascii=False) for it in items) + "\n",
                    encoding="utf-8")
    return path


def test_fit_also_adds_other_reports_questions_and_refuses_the_scored_ones(tmp_path: Path) -> None:
    from eval.folds import other_examples

    gold = _write(tmp_path / "gold.jsonl", ITEMS[:10])
    other = _write(tmp_path / "other.jsonl", [item("x1", "z.txt"), item("x2", None, "unanswerable")])
    assert [e.question for e in other_examples(gold, [other])] == ["x1的预算执行率是多少", "x2的预算执行率是多少"]
    assert other_examples(gold, []) == []
    leaky = _write(tmp_path / "leaky.jsonl", [item("y1", "c.txt")])
    with pytest.raises(BadInput, match="leaky.jsonl: question y1 is about c.txt"):
        other_examples(gold, [leaky])
