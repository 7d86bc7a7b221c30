"""Which candidates a verified question counts as right: its document, its figure, inside its evidence."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from app.scoring.candidates import Candidate
from core.records import Example
from ingest.numbers import Quantity, from_value, same_quantity


def evidence_span(text: str, evidence: str) -> tuple[int, int] | None:
    """Where ``evidence`` stands in ``text``, ignoring differences in whitespace."""
    ev = re.sub(r"\s+", "", evidence)
    if not ev:
        return None
    i = text.find(evidence)
    if i >= 0:
        return i, i + len(evidence)
    pattern = r"\s*".join(re.escape(ch) for ch in ev[:400])
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def matches(c: Candidate, value: Decimal, unit: str) -> bool:
    """The candidate states the expected figure (same amount after unit normalisation, any sign)."""
    q = c.quantity
    if unit:
        want = from_value(value, unit)
        if not q.unit and want.kind not in ("money", "percent", "points"):
            return abs(q.value) == abs(value)  # a bare table cell: right by value where the eval accepts it
        return same_quantity(want, q) or same_quantity(want, _abs(q))
    return abs(q.value) == abs(value)


def _abs(q: Quantity) -> Quantity:
    return replace(q, value=abs(q.value), base_value=abs(q.base_value))


def positives(ex: Example, cands: list[Candidate]) -> list[int]:
    """Indexes of the candidates that answer ``ex`` (empty for unanswerable questions)."""
    if ex.type == "unanswerable" or ex.value is None:
        return []
    out = []
    for i, c in enumerate(cands):
        if ex.docs and c.doc.name not in ex.docs:
            continue
        if not matches(c, ex.value, ex.unit):
            continue
        out.append(i)  # the same figure stated twice in its report is right either way, as the eval counts it
    return out

