"""The figures of the reports, indexed for questions: their scope, their canonical names, and the look-up of a phrase.

Every figure route (app.figures.calc, listing, text) answers from a ``FigureIndex``; app.figures.qa adds the scope
checks and the dispatch on top of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.figures.match import (
    Found,
    Match,
    View,
    core_phrase,
    coverage,
    norm,
    precision,
    same_value,
    strip_stop,
    terms_of,
    views_for,
)
from app.figures.rules import (
    COMPAT,
    canonical_conflict,
    family_conflict,
    is_change,
    kind_factor,
    narrower,
    spending_asked_budget_given,
    unit_factor,
)
from app.figures.words import figure_words
from core.records import Figure
from ingest.metrics import canonical_metric, normalize_metric

if TYPE_CHECKING:
    from app.question.parse import CatalogEntry
    from core.vocabulary import Vocabulary

MIN_COVERAGE = 0.6  # weighted share of the question's terms that must be found near a figure
MIN_NEAR = 0.01  # some key term must stand in the figure's own label or clause
MARGIN = 0.08  # a different value scoring within this of the best makes the answer ambiguous
PRECISION_WEIGHT = 0.3  # how much the figure's own label must be what the question names


class FigureIndex:
    """The extracted figures with the words around them, their scope and canonical names; ``find`` looks one up."""

    def __init__(self, figures: list[Figure], catalog: list[CatalogEntry], vocabulary: Vocabulary,
                 texts: Mapping[str, str] | None = None, *, previous: FigureIndex | None = None,
                 kept: frozenset[str] = frozenset()) -> None:
        """
        Args:
            figures: every extracted figure.
            catalog: the ingested reports.
            vocabulary: the loaded vocabulary (core.vocabulary.load_vocabulary, with the user's file).
            texts: optional document texts by doc_id (or file name); with them the words around each
                figure are read from the document itself, which makes matching sharper.
            previous: an index built before with the same vocabulary and texts; the views of the figures of the
                ``kept`` documents (ids: stored unchanged since) and the canonical names are taken from it.
        """
        self.catalog, self.vocabulary = catalog, vocabulary
        self.words = figure_words(vocabulary)
        self.doc_scope = {c.doc_name: (c.org, c.year) for c in catalog}
        # (synonym, canonical) of the vocabulary's [metrics], longest synonym first
        pairs = [(normalize_metric(s), c) for c, syns in vocabulary.metrics.items() for s in syns]
        self.synonyms = sorted((p for p in pairs if p[0]), key=lambda p: len(p[0]), reverse=True)
        self.known = {norm(c) for _, c in self.synonyms}  # the vocabulary's canonical metric names
        # each figure's canonical name as the vocabulary reads it now (a stored one may predate a synonym)
        heads: dict[str, str] = previous.heads if previous is not None else {}
        self.heads: dict[str, str] = {c: heads[c] if c in heads else self.canonical_name(c) or norm(c)
                                      for c in {f.canonical for f in figures}}
        reuse: dict[str, View] = {} if previous is None else {
            v.fig.id: v for v in previous.views if v.fig.doc_id in kept}
        fresh = [f for f in figures if f.id not in reuse]
        canon = {f.metric: self.canonical(f.metric) for f in fresh}
        made = iter(views_for(fresh, texts, canon, self.words))
        self.views: list[View] = [reuse[f.id] if f.id in reuse else next(made) for f in figures]
        self.corpus = "".join(v.wide for v in self.views)
        terms_of("预算执行率")  # load the word segmenter now rather than on the first question

    # -- names and scope ---------------------------------------------------------------------------------
    def canonical(self, phrase: str) -> str:
        """The phrase with every metric synonym replaced by its canonical name."""
        out = norm(phrase)
        for syn, canon in self.synonyms:
            if syn in out and canon not in out:
                out = out.replace(syn, canon)
        return out

    def canonical_name(self, phrase: str) -> str:
        """The canonical metric name of a phrase ("部门整体支出绩效自评得分" -> "自评得分"), as ingest names them."""
        return norm(canonical_metric(phrase, self.vocabulary))

    def scope_of(self, f: Figure) -> tuple[str | None, int | None]:
        org, year = self.doc_scope.get(f.doc_name, (None, None))
        return f.org or org, f.year or year

    def years_of(self, org: str) -> list[int]:
        return sorted({c.year for c in self.catalog if c.org == org and c.year})

    def orgs(self) -> list[str]:
        return sorted({c.org for c in self.catalog if c.org})

    def in_scope(self, orgs: list[str], years: list[int]) -> list[View]:
        out = []
        for v in self.views:
            org, year = self.scope_of(v.fig)
            if (not orgs or org in orgs) and (not years or year in years):
                out.append(v)
        return out

    def mentioned(self, place: str) -> bool:
        """A place the reports talk about (增城区 in a city report), not an organisation asked about."""
        return len(place) <= 6 and not self.words.department.search(place) and norm(place) in self.corpus

    # -- look-up -----------------------------------------------------------------------------------------
    def find(self, phrase: str, orgs: list[str], years: list[int], *, unit_hint: str | None = None,
             unit_word: str | None = None, wants_target: bool = False, question: str = "",
             only_changes: bool = False) -> Found:
        """The figures that best state ``phrase`` for the given organisations and years.

        ``only_changes`` (the question asks "较上年增长了多少") leaves out every figure that is not a change.
        """
        w = self.words
        core = core_phrase(phrase)
        phrases = list(dict.fromkeys(p for p in [norm(phrase), self.canonical(phrase), self.canonical_name(phrase),
                                                 self.canonical_name(core)] if p))
        term_sets = [terms_of(p) for p in phrases]
        if not any(t.key for ts in term_sets for t in ts):
            return Found(missing=[norm(phrase)] if norm(phrase) else [])
        asks_change = only_changes or bool(w.change_asked.search(w.change_metric.sub("", question)))
        asks_actual = bool(w.done.search(question))
        at_least = self.vocabulary.qualifiers.at_least
        whole = norm(phrase)
        asked = self.canonical_name(phrase)
        known = asked in self.known
        if not known:
            asked = self.canonical_name(core)
            known = asked in self.known
        asks_before = bool(w.before_asked.search(question))
        matches: list[Match] = []
        near_missing: list[str] = []
        for v in self.in_scope(orgs, years):
            f = v.fig
            if unit_hint and f.quantity_kind not in COMPAT.get(unit_hint, {unit_hint}):
                continue
            if (only_changes and not is_change(f)) or family_conflict(phrase, f) or \
                    canonical_conflict(asked, self.heads.get(f.canonical, ""), self.known):
                continue
            best_cov, best_missing, best_near = -1.0, ["?"], 0.0
            for p, ts in zip(phrases, term_sets, strict=True):
                cov, miss, near = coverage(ts, v, f.quantity_kind, w.change_terms)
                if not miss and len(bare := strip_stop(p)) >= 2 and bare in v.local:
                    cov += 0.1  # the whole phrase stands next to the number
                if (not miss, cov) > (not best_missing, best_cov):
                    best_cov, best_missing, best_near = cov, miss, near
            if best_missing:
                if len(best_missing) < len(near_missing) or not near_missing:
                    near_missing = best_missing
                continue
            if best_cov < MIN_COVERAGE or best_near < MIN_NEAR:
                continue
            score = best_cov + PRECISION_WEIGHT * max(precision(p, v) for p in phrases)
            score *= narrower(f, asked, whole, known)
            if norm(f.canonical) and norm(f.canonical) in phrases:
                score += 0.15  # the question names exactly this metric (预算执行率 = 部门年度整体预算完成率)
            score *= unit_factor(unit_word, f) * (0.6 if spending_asked_budget_given(phrase, f) else 1.0)
            score *= kind_factor(f, wants_target, asks_change, asks_actual)
            role = f.extra.get("role", "")
            if role == "before" and not asks_before:
                score *= 0.6
            elif role == "after" and asks_before:
                score *= 0.8
            if f.qualifier in at_least and not wants_target and f.kind == "target":
                score *= 0.95  # a bound ("不少于90%") is what was planned, not what was done
            matches.append(Match(v, score, best_cov))
        if not matches:
            return Found(missing=near_missing)
        matches.sort(key=lambda m: m.score, reverse=True)
        best = matches[0]
        same = [m for m in matches if same_value(m.view.fig, best.view.fig) and m.score >= best.score - 0.25]
        rivals = [m for m in matches if not same_value(m.view.fig, best.view.fig) and m.score >= best.score - MARGIN]
        return Found(best, same, rivals, ranked=matches)

    # -- wording -----------------------------------------------------------------------------------------
    @staticmethod
    def label(f: Figure, asked: str, max_len: int = 14) -> str:
        """How the metric is named in the answer: the report's own words when short, else the question's."""
        m = re.sub(r"[（(][^（()）]*[)）]|[“”\"]", "", f.metric).strip("、，, ")
        if m and len(m) <= max_len and not re.search(r"\d", m) and not m.startswith(("、", "为", "在")):
            return m
        return asked or f.canonical

    @staticmethod
    def prefix(org: str | None, year: int | None) -> str:
        """"2022年广州市海珠区应急管理局": the year and organisation an answer is about."""
        return (f"{year}年" if year else "") + (org or "")

    def where(self, f: Figure) -> str:
        org, year = self.scope_of(f)
        return f"{self.prefix(org, year)}{f.display}，" if (org or year) else f"{f.display}，"
