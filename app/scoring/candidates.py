"""Answer candidates: every quantity stated in the chunks hybrid retrieval brings for a question.

Retrieval runs over the whole corpus (organisation and year are evidence, not filters). Each stated number
in a retrieved chunk becomes a candidate, joined with the figure ingest stored for the same span (its label,
column, kind) when there is one. The work per question is bounded by the number of retrieved chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from core.records import Chunk, Figure
from ingest.numbers import Quantity, find_quantities, from_value

CLAUSE_STOPS = "，,。；;！？!?\n|"
SENTENCE_STOPS = "。；;！？!?\n"
SKIP_NOTES = ("debris",)


@dataclass(frozen=True)
class DocView:
    """What the scorer knows of one report."""

    id: str
    name: str
    org: str
    year: int | None
    title: str
    head: str  # the opening of the text (title, 单位, 年度 lines)
    text: str


@dataclass
class Candidate:
    """One stated number that might answer the question, with the texts around it."""

    doc: DocView
    chunk: Chunk
    quantity: Quantity  # start/end are offsets in doc.text
    figure: Figure | None
    rank: int  # rank of its chunk in the fused retrieval (0 = best)
    dense: float
    bm25: float
    left: str = ""  # the clause before the number, up to the previous clause stop
    clause: str = ""
    sentence: str = ""
    before: str = ""  # the sentence up to the number
    unit_from_table: bool = False  # a bare cell given the unit its table declares
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def key(self) -> tuple[str, int]:
        return self.doc.id, self.quantity.start


def _stop(text: str, i: int, stops: str) -> bool:
    """Whether text[i] ends a clause: a comma between digits is a thousands separator, not a stop."""
    ch = text[i]
    if ch not in stops:
        return False
    return not (ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())


def _bounds(text: str, start: int, end: int, stops: str, limit: int) -> tuple[int, int]:
    from core.spans import bounds  # the stops of a document found once, not per candidate

    return bounds(text, start, end, stops, limit, digit_commas=True)


def _texts(c: Candidate) -> None:
    text, q = c.doc.text, c.quantity
    cs, ce = _bounds(text, q.start, q.end, CLAUSE_STOPS, 60)
    ss, se = _bounds(text, q.start, q.end, SENTENCE_STOPS, 160)
    c.left, c.clause, c.sentence, c.before = text[cs:q.start], text[cs:ce], text[ss:se], text[ss:q.start]


def usable(q: Quantity) -> bool:
    """Numbers worth offering: not unreadable debris, not a bare 4-digit year."""
    if q.note in SKIP_NOTES:
        return False
    return not (q.unit == "" and re.fullmatch(r"(19|20)\d{2}", q.text.strip()))


def candidates(hits: list[tuple[Chunk, float, float]], doc_of: Callable[[str], DocView],
               figures: Callable[[list[str]], list[Figure]]) -> list[Candidate]:
    """Candidates from retrieved chunks, best chunk first.

    Args:
        hits: (chunk, dense cosine, BM25 score) in fused rank order.
        doc_of: the report view for a document id.
        figures: stored figures for a list of chunk ids.
    """
    by_span: dict[tuple[str, int], Figure] = {}
    for f in figures([c.id for c, _, _ in hits]):
        start = int(f.extra.get("num_start", f.start))
        by_span.setdefault((f.doc_id, start), f)
    out: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    for rank, (chunk, dense, bm25) in enumerate(hits):
        doc = doc_of(chunk.doc_id)
        source = doc.text[chunk.start:chunk.end]
        for q in find_quantities(source):
            q = _shift(q, chunk.start)
            if not usable(q) or (doc.id, q.start) in seen:
                continue
            seen.add((doc.id, q.start))
            fig = by_span.get((doc.id, q.start))
            if fig is not None and not q.unit and fig.unit:  # a table cell: the unit is in the table's header
                q = replace(q, unit=fig.unit, base_value=fig.base_value, base_unit=fig.base_unit,
                            kind=fig.quantity_kind)
            from_table = False
            if not q.unit:
                declared = table_unit(doc.text, q.start)
                if declared:
                    q, from_table = _with_unit(q, declared), True
            c = Candidate(doc, chunk, q, fig, rank, dense, bm25, unit_from_table=from_table)
            _texts(c)
            out.append(c)
    return out


UNIT_DECLARED = re.compile(r"单位\s*[:：]?\s*(亿元|万元|元)|[(（]\s*(亿元|万元|元)\s*[)）]|金额\s*[(（]?\s*(亿元|万元|元)")


def table_unit(text: str, at: int, reach: int = 600) -> str:
    """The money unit a table declares before position ``at`` ("单位:万元", "(万元)"), if a table holds it."""
    window = text[max(0, at - reach):at]
    if "|" not in window and "  " not in window and "\n" not in window[-80:]:
        return ""
    found = list(UNIT_DECLARED.finditer(window))
    if not found:
        return ""
    m = found[-1]
    return next(g for g in m.groups() if g)


def _with_unit(q: Quantity, unit: str) -> Quantity:
    scaled = from_value(q.value, unit)
    return replace(q, unit=unit, base_value=scaled.base_value, base_unit=scaled.base_unit, kind=scaled.kind)


def _shift(q: Quantity, by: int) -> Quantity:
    return replace(q, start=q.start + by, end=q.end + by,
                   outer_start=q.outer_start + by if q.outer_start >= 0 else -1,
                   outer_end=q.outer_end + by if q.outer_end >= 0 else -1)
