"""Figure-aware scoring of one answer against one gold item: figures, comparisons, text, refusals, evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from core.answer import Answer
from eval.gold import FIGURE_QUESTION_TYPES, GoldItem
from eval.match import (
    TEXT_F1,
    agree,
    char_f1,
    figures,
    named_winner,
    norm_span,
    norm_text,
    quantity_of,
    show,
    subject,
    supports,
)
from ingest.numbers import Quantity, decimals_of, find_quantities

FORMULA_CONSTANTS = {Decimal(100), Decimal(1000), Decimal(10000), Decimal(100000000)}


@dataclass
class ItemScore:
    """The verdict on one question, with everything the reports show about it."""

    id: str
    type: str
    question: str
    expected: str
    got: str
    correct: bool
    reason: str = ""  # why it is wrong (empty when correct)
    route: str = ""
    refused: bool = False
    latency_ms: float = 0.0
    citations: list[dict[str, Any]] = field(default_factory=list)
    fabricated: list[str] = field(default_factory=list)  # figures stated without support
    refusal_with_figure: bool = False
    citation_hit: bool | None = None  # None: not applicable (refused, or no gold evidence)
    retrieval_rank: int | None = None  # 1-based rank of the first chunk with the evidence; 0 missed; None n/a
    notes: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)  # the gold documents (empty for unanswerable questions)
    figure_given: bool = False  # an answer (not a refusal) to a figure question, or a figure for an unanswerable one
    wrong_figure: bool = False  # figure_given, and not right

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

def gold_figure(item: GoldItem) -> tuple[Quantity, int]:
    """The expected figure and its decimals: as written in the gold answer when that agrees with
    the structured value/unit (so "2626.63万元" keeps 2 decimals of 万元), else the structured value."""
    structured = quantity_of(item.value, item.unit)
    for q in figures(item.answer):
        if structured is None or agree(q, structured, decimals_of(q))[0]:
            return q, decimals_of(q)
    if structured is None:
        raise ValueError(f"gold item {item.id}: no figure in value/unit or answer {item.answer!r}")
    return structured, decimals_of(structured)


def stated_figures(answer: Answer, question: str = "") -> list[Quantity]:
    """The figures an answer states: its structured value first, then those in its text."""
    out = []
    structured = quantity_of(answer.value, answer.unit)
    if structured is None:
        structured = quantity_of(answer.normalized_value, answer.normalized_unit)
    if structured is not None:
        out.append(structured)
    return out + figures(answer.answer, question)


def answer_figure(answer: Answer, expected: Quantity, question: str = "") -> Quantity | None:
    """The one figure the answer gives: the structured value when set (as the text writes it, when
    the text states the same amount, so its qualifier counts), else the first figure in the text with
    the expected base unit, else the first figure at all."""
    stated = stated_figures(answer, question)
    if not stated:
        return None
    if answer.value is not None or answer.normalized_value is not None:
        first = stated[0]
        written = [q for q in stated[1:] if (q.base_unit, q.base_value) == (first.base_unit, first.base_value)]
        return (written or [first])[0]
    same = [q for q in stated if q.base_unit == expected.base_unit]
    return (same or stated)[0]


def fabricated_figures(item: GoldItem, answer: Answer) -> list[str]:
    """Figures an answered question states that neither the gold answer nor any cited text backs.

    A computed figure is backed when every input on the left of the answer's formula is in a cited
    text (or the gold answer) and the figure is the formula's result or the answer's value.
    """
    if answer.refused:
        return []
    sources = figures(item.answer) if item.type != "unanswerable" else []
    for c in answer.citations:
        sources += find_quantities(c.text) + find_quantities(c.context)
    stated = stated_figures(answer, item.question)
    derived: list[Quantity] = []
    if answer.formula:
        lhs, _, rhs = answer.formula.rpartition("=")  # "A ÷ B = 44396万元 ÷ 95800万元 = 46.34%": inputs left of the last =
        inputs = [q for q in find_quantities(lhs) if abs(q.value) not in FORMULA_CONSTANTS]
        if inputs and all(any(supports(s, q) for s in sources) for q in inputs):
            derived = find_quantities(rhs)
            if answer.value is not None or answer.normalized_value is not None:
                derived.append(stated[0])
    out: list[str] = []
    for q in stated:
        if any(supports(s, q) for s in sources + derived):
            continue
        if show(q) not in out:
            out.append(show(q))
    return out


def gives_figure(item: GoldItem, answer: Answer) -> bool:
    """Whether the answer gives a figure the asker may act on: a numeric or computed question answered
    (not refused) with a figure, a comparison answered with a verdict, or an unanswerable question
    answered with a figure. Refusals, errors and text questions give none."""
    if answer.refused or answer.route == "error":
        return False
    if item.type == "comparison":
        return True
    if item.type in FIGURE_QUESTION_TYPES or item.type == "unanswerable":
        return bool(stated_figures(answer, item.question))
    return False


# --- evidence ---------------------------------------------------------------------------------------

def citation_hit(item: GoldItem, answer: Answer) -> bool | None:
    """Whether the answer cites the gold evidence from the gold document.

    Only citations from a gold document count (any document when the gold names none); spans are
    compared whitespace and NFKC insensitive. Hit when a citation contains the evidence, or quotes a
    part of it that states one of its figures (a computed answer citing only its inputs). A citation
    elsewhere that merely repeats the same number does not count. None when not applicable: a refusal
    or no gold evidence.
    """
    if not item.evidence or answer.refused:
        return None
    docs = item.docs
    cites = [c for c in answer.citations if not docs or c.doc in docs]
    ev = norm_span(item.evidence)
    need = figures(item.evidence)
    for c in cites:
        span = norm_span(c.text)
        if ev in span:
            return True
        if span and span in ev and any(supports(s, f) for s in figures(c.text) for f in need):
            return True
    return False


def retrieval_rank(item: GoldItem, answer: Answer) -> int | None:
    """1-based rank of the first retrieved chunk from a gold document containing the evidence; 0 when
    none does; None when not applicable (no gold evidence, or nothing retrieved)."""
    if not item.evidence or not answer.retrieved:
        return None
    ev, docs = norm_span(item.evidence), item.docs
    for rank, r in enumerate(answer.retrieved, start=1):
        if (not docs or r.doc in docs) and ev in norm_span(r.text):
            return rank
    return 0


# --- verdicts per question type -----------------------------------------------------------------------

def _refused(answer: Answer) -> str:
    why = answer.reason or answer.answer
    return f"refused: {why[:100]}{'…' if len(why) > 100 else ''}"


def score_figure(item: GoldItem, answer: Answer) -> tuple[bool, str, list[str]]:
    """Numeric and computed questions: the answer's figure must agree with the gold's.

    Returns:
        (correct, reason when wrong, notes).
    """
    if answer.refused:
        return False, _refused(answer), []
    expected, decimals = gold_figure(item)
    got = answer_figure(answer, expected, item.question)
    if got is None:
        return False, "no figure in the answer", []
    ok, why = agree(expected, got, decimals)
    notes = []
    if ok and (expected.qualifier or "") != (got.qualifier or ""):
        notes.append(f"qualifier differs: expected {expected.qualifier or 'none'!r}, got {got.qualifier or 'none'!r}")
    return ok, "" if ok else f"expected {item.answer}, got {show(got)}: {why}", notes


def score_text(item: GoldItem, answer: Answer) -> tuple[bool, str, list[str]]:
    """Text questions: the gold answer is contained in the answer (after ``norm_text``) or the
    character F1 reaches ``TEXT_F1``."""
    if answer.refused:
        return False, _refused(answer), []
    gold, got = norm_text(item.answer), norm_text(answer.answer)
    if gold and gold in got:
        return True, "", []
    f1 = char_f1(answer.answer, item.answer)
    if f1 >= TEXT_F1:
        return True, "", [f"matched by character F1 {f1:.2f}"]
    return False, f"gold text {item.answer!r} not in the answer (character F1 {f1:.2f} < {TEXT_F1})", []


def score_comparison(item: GoldItem, answer: Answer) -> tuple[bool, str, list[str]]:
    """Comparison questions: the answer names the gold's winner and states the figures the gold states."""
    if answer.refused:
        return False, _refused(answer), []
    winner = subject(item.answer) or item.answer
    if not named_winner(winner, item.question, answer.answer):
        return False, f"does not name {winner} as the answer", []
    stated = stated_figures(answer, item.question)
    missing = [g.text for g in figures(item.answer)
               if not any(agree(g, s, decimals_of(g))[0] for s in stated)]
    if missing:
        return False, f"names {winner} but does not state {', '.join(missing)}", []
    return True, "", []


SCORERS = {"numeric": score_figure, "computed": score_figure, "comparison": score_comparison,
           "text": score_text}


def score_item(item: GoldItem, answer: Answer, latency_ms: float | None = None) -> ItemScore:
    """Score one answer against its gold item.

    Args:
        item: the gold question.
        answer: what the system said.
        latency_ms: measured wall time; defaults to ``answer.latency_ms``.

    Returns:
        The verdict, with fabricated figures, citation and retrieval results.
    """
    notes: list[str] = []
    if item.type == "unanswerable":
        correct, reason = answer.refused, "" if answer.refused else "answered instead of refusing"
    else:
        correct, reason, notes = SCORERS[item.type](item, answer)
    given = gives_figure(item, answer)
    got = answer.answer
    if answer.value is not None and str(answer.value) not in got:
        got = f"{got} [value {answer.value}{answer.unit or ''}]"
    return ItemScore(
        id=item.id, type=item.type, question=item.question, expected=item.answer, got=got, correct=correct,
        reason=reason, route=answer.route, refused=answer.refused,
        latency_ms=answer.latency_ms if latency_ms is None else latency_ms,
        citations=[{"doc": c.doc, "section": c.section, "text": c.text} for c in answer.citations],
        fabricated=fabricated_figures(item, answer),
        refusal_with_figure=answer.refused and bool(stated_figures(answer, item.question)),
        citation_hit=citation_hit(item, answer), retrieval_rank=retrieval_rank(item, answer), notes=notes,
        docs=item.docs, figure_given=given, wrong_figure=given and not correct,
    )
