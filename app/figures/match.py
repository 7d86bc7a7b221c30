"""How well a figure answers a metric phrase: key-term coverage at the figure's local, clause and row level."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from app.figures.terms import GENERIC, NORM, STOP, Term, core_phrase, norm, strip_stop, term_found, terms_of
from core.answer import Citation
from core.records import Figure
from core.spans import bounds
from ingest.numbers import find_quantities

if TYPE_CHECKING:
    from app.figures.words import FigureWords

__all__ = ["GENERIC", "NORM", "STOP", "Found", "Match", "Term", "View", "citation", "cite_all", "core_phrase", "coverage",
           "make_view", "norm", "precision", "same_value", "strip_stop", "term_found", "terms_of", "title_subject",
           "views_for"]

CLAUSE_END = "，,。；;！？!?\n\t"
SENTENCE_END = "。；;！？!?\n\t"
# how far a window reaches on each side at most; on the published and sample reports the farthest are 436, 748
# and 768 characters, so only a run of text without a stop is cut
WINDOW = {CLAUSE_END: 500, SENTENCE_END: 800, "\n": 1000}
KIND_WORDS = {"得分": "score", "分数": "score", "评分": "score", "分值": "score", "比例": "percent",
              "比重": "percent", "占比": "percent", "百分比": "percent", "比率": "percent"}
# where a question's term may stand, closest first, and how much a find there counts: the figure's label and
# clause, its sentence, what the report as a whole is about (the subject of its title), its paragraph or row
LEVELS = (("local", 1.0), ("clause", 0.85), ("sentence", 0.7), ("subject", 0.6), ("wide", 0.5))
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_PROJECT_FIELD = re.compile(r"^\s*项目名称\s*[:：\t]\s*([^\t\n，。；]{2,40})", re.MULTILINE)


@dataclass
class View:
    """A figure with the normalised texts around it, from the closest (local) to the widest (row)."""

    fig: Figure
    local: str
    clause: str
    sentence: str
    wide: str
    before: str = ""  # the few characters right before the number (由, 从 ...)
    pos: int = -1  # the number's position in the document text, when known
    subject: str = ""  # what the whole report is about, from its title ("农村生活污水治理专项资金")

    def level_text(self, level: str) -> str:
        return getattr(self, level)  # type: ignore[no-any-return]


def _bounds(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The clause, sentence or line around a figure: the stops are found once per document (not once per
    figure) and a window reaches at most ``WINDOW[stops]`` characters out (a line of numbers without an end)."""
    return bounds(text, start, end, stops, WINDOW.get(stops))


def _number_span(fig: Figure, doc: str) -> tuple[int, int] | None:
    """Where the figure's own number stands in the document (its evidence may hold several numbers)."""
    if "num_start" in fig.extra and "num_end" in fig.extra:
        return int(fig.extra["num_start"]), int(fig.extra["num_end"])
    lo, hi = max(0, fig.start), min(len(doc), fig.end)
    if hi <= lo:
        return None
    spots = [(lo + q.start, lo + q.end) for q in find_quantities(doc[lo:hi])
             if q.value == fig.value and q.unit == fig.unit]
    if not spots:
        spots = [(lo + q.start, lo + q.end) for q in find_quantities(doc[lo:hi]) if abs(q.value) == abs(fig.value)]
    if not spots:
        return None
    metric = norm(fig.metric)
    for s, e in spots:
        cs, _ = _bounds(doc, s, e, CLAUSE_END)
        if metric and metric in norm(doc[cs:s]):
            return s, e
    return spots[0]


@lru_cache(maxsize=4096)
def _clause_numbers(doc: str, cs: int, ce: int) -> tuple[tuple[int, int], ...]:
    """Where the numbers of a clause stand; read once per clause, shared by the figures in it."""
    return tuple((cs + q.start, cs + q.end) for q in find_quantities(doc[cs:ce]))


@lru_cache(maxsize=8)
def _digit_runs(doc: str) -> tuple[list[int], list[tuple[int, int]]]:
    runs = [(m.start(), m.end()) for m in _DIGITS.finditer(doc)]
    return [r[0] for r in runs], runs


def _numbers(doc: str, cs: int, ce: int, ns: int, ne: int) -> Sequence[tuple[int, int]]:
    """The numbers in ``doc[cs:ce]``, the clause around a figure. A clause cut to its window (a line of numbers
    with no stop) has its numbers read as runs of digits found once per document: reading every window again
    would cost each figure the numbers of its whole window."""
    if ns - cs < WINDOW[CLAUSE_END] and ce - ne < WINDOW[CLAUSE_END]:
        return _clause_numbers(doc, cs, ce)
    starts, runs = _digit_runs(doc)
    return [r for r in runs[bisect_left(starts, cs):bisect_left(starts, ce)] if r[1] <= ce]


def make_view(fig: Figure, doc: str | None, canon: str = "") -> View:
    """Texts around a figure. With the document text the windows are cut from it; else from the figure."""
    head = norm(fig.metric + fig.canonical + canon)
    span = _number_span(fig, doc) if doc else None
    if doc is None or span is None:
        ctx = norm(fig.context)
        return View(fig, head, norm(fig.evidence) or ctx, ctx, ctx)
    ns, ne = span
    cs, ce = _bounds(doc, ns, ne, CLAUSE_END)
    ls, le = cs, ce
    for qs, qe in _numbers(doc, cs, ce, ns, ne):
        if qe <= ns:
            ls = max(ls, qe)
        elif qs >= ne:
            le = min(le, qs)
            break
    ss, se = _bounds(doc, ns, ne, SENTENCE_END)
    ws, we = _bounds(doc, ns, ne, "\n")
    wide = doc[ws:we]
    if "\t" in wide:  # a table row: keep the row, the cells before the figure matter most
        wide = wide.replace("\t", " ")
    before = doc[max(cs, ns - 4):ns]
    return View(fig, head + norm(doc[ls:le]), norm(doc[cs:ce]), norm(doc[ss:se]), norm(wide + fig.context),
                before, ns)


@dataclass
class Match:
    view: View
    score: float
    coverage: float
    missing: list[str] = field(default_factory=list)


def coverage(terms: list[Term], view: View, quantity_kind: str, change_terms: frozenset[str]
             ) -> tuple[float, list[str], float]:
    """How well the terms are found near the figure; a reported change stands for ``change_terms`` ("同比", "增长").

    Returns:
        (weighted share of the terms found, level-weighted; the key terms not found in the figure's
        sentence; the share of key-term weight found right at the figure, in its label or clause).
        A table cell's sentence is its whole row (the indicator stands in another cell); prose figures
        need every key term within their own sentence.
    """
    total = got = key_total = key_near = 0.0
    missing: list[str] = []
    in_table = view.fig.extra.get("source") == "table"
    is_change = view.fig.kind == "change" or bool(view.fig.extra.get("direction"))
    for t in terms:
        total += t.weight
        if t.key:
            key_total += t.weight
        if KIND_WORDS.get(t.text) == quantity_kind or (t.text in change_terms and is_change):
            got += t.weight
            key_near += t.weight if t.key else 0.0
            continue
        best = near = 0.0
        for level, w in LEVELS:
            found = term_found(t.text, view.level_text(level))
            best = max(best, w * found)
            if level in ("local", "clause"):
                near = max(near, found)
            if best >= w:
                break
        got += t.weight * best
        if t.key and near >= 0.7:
            key_near += t.weight
        if t.key and best < (0.4 if in_table else 0.55):
            missing.append(t.text)
    return (got / total if total else 0.0), missing, (key_near / key_total if key_total else 1.0)


def precision(phrase: str, view: View) -> float:
    """Share of the figure's own metric name (its bigrams) that the question's phrase contains.

    "微博" is all in "官方微博关注用户"; "两微关注用户微信公众号" mostly is not: the question is about the first.
    """
    metric = "".join(c for c in norm(view.fig.metric) if not c.isdigit())
    q = norm(phrase)
    if len(metric) < 2:
        return 1.0 if metric and metric in q else 0.0
    grams = [metric[i:i + 2] for i in range(len(metric) - 1)]
    return sum(g in q for g in grams) / len(grams)


def views_for(figures: list[Figure], texts: Mapping[str, str] | None, canon: dict[str, str],
              words: FigureWords) -> list[View]:
    """Views for all figures; ``texts`` maps doc_id (or doc_name) to document text.

    Without a document's text, a figure's widest context is what the figures of its chunk quote.
    """
    by_chunk: dict[tuple[str, str], list[str]] = {}
    for f in figures:
        ctx = by_chunk.setdefault((f.doc_id, f.chunk_id), [])
        if f.context not in ctx:
            ctx.append(f.context)
    out = []
    subjects: dict[str, str] = {}
    for f in figures:
        doc = None
        if texts:
            doc = texts.get(f.doc_id) or texts.get(f.doc_name)
        v = make_view(f, doc, canon.get(f.metric, ""))
        if doc is None and f.chunk_id:
            v.wide = norm("".join(by_chunk[(f.doc_id, f.chunk_id)]))
        if doc is not None:
            if f.doc_id not in subjects:
                subjects[f.doc_id] = title_subject(doc, words)
            v.subject = subjects[f.doc_id]
        out.append(v)
    return out


def title_subject(doc: str, words: FigureWords) -> str:
    """What a report is about, from its title without organisation, year and report type.

    "佛山市南海区农业农村局 / 2022年度农村生活污水治理专项资金项目支出绩效评价报告" -> "农村生活污水治理专项资金";
    a department report ("…局2022年度部门整体支出绩效自评报告") has none.
    """
    head = doc.lstrip().split("\n\n", 1)[0]
    if len(head) > 80 or re.search(r"[。；;！？]", head):
        head = doc.lstrip().split("\n", 1)[0]
        if len(head) > 80:
            return ""
    title = norm(head.replace("#", ""))
    prev = None
    while prev != title:
        prev, title = title, words.title_noise.sub("", title)
    field = _PROJECT_FIELD.search(doc[:1500])  # a 项目支出绩效自评表 names its project in a field
    return title + (norm(field.group(1)) if field and norm(field.group(1)) not in title else "")


@dataclass
class Found:
    """The outcome of looking one metric up: the chosen figures (same value) or why there is none."""

    best: Match | None = None
    same: list[Match] = field(default_factory=list)  # the best and every other place stating its value
    rivals: list[Match] = field(default_factory=list)  # equally good matches with another value
    missing: list[str] = field(default_factory=list)  # key terms no figure had near it
    ranked: list[Match] = field(default_factory=list)  # every acceptable match, best first

    @property
    def fig(self) -> Figure:
        assert self.best is not None
        return self.best.view.fig


def citation(f: Figure) -> Citation:
    return Citation(doc=f.doc_name, section=f.section, text=f.evidence, start=f.start, end=f.end, chunk_id=f.chunk_id,
                    page=f.page)


def cite_all(matches: list[Match]) -> list[Citation]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for m in matches:
        f = m.view.fig
        if (f.doc_name, f.start, f.end) not in seen:
            seen.add((f.doc_name, f.start, f.end))
            out.append(citation(f))
    return out


def same_value(a: Figure, b: Figure) -> bool:
    return a.base_unit == b.base_unit and a.base_value == b.base_value
