"""Figure questions: scope checks, look-ups of reported figures, and the routes built on them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

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
from app.question.parse import CatalogEntry, Lexicon, Query
from core.answer import Answer, refusal
from core.records import Figure

MIN_COVERAGE = 0.6  # weighted share of the question's terms that must be found near a figure
MIN_NEAR = 0.01  # some key term must stand in the figure's own label or clause
MARGIN = 0.08  # a different value scoring within this of the best makes the answer ambiguous
PRECISION_WEIGHT = 0.3  # how much the figure's own label must be what the question names
CHANGE_Q = re.compile(r"增长|增加|减少|下降|上升|同比|环比|较上年|比上年|增幅|降幅|变化")
METRIC_CHANGE = re.compile(r"增长率|增长量|增加值|新增|增收|减收")  # names of metrics, not a change asked for
BEFORE_Q = re.compile(r"由|从|原来|原先|之前|此前|以前|改革前")


def _synonyms() -> list[tuple[str, str]]:
    """(synonym, canonical) pairs from the metric lexicon, longest synonym first."""
    try:
        from ingest.figures import load_metric_synonyms, normalize_metric
    except ImportError:  # the extractor is optional for question parsing
        return []
    pairs = [(normalize_metric(s), c) for c, syns in load_metric_synonyms().items() for s in syns]
    return sorted((p for p in pairs if p[0]), key=lambda p: len(p[0]), reverse=True)


class FigureQA:
    """Answers questions about reported figures from the extracted figure table, with cited evidence."""

    def __init__(self, figures: list[Figure], catalog: list[CatalogEntry], lexicon: Lexicon,
                 texts: Mapping[str, str] | None = None) -> None:
        """
        Args:
            figures: every extracted figure.
            catalog: the ingested reports.
            lexicon: organisation aliases (app.question.parse.load_lexicon()).
            texts: optional document texts by doc_id (or file name); with them the words around each
                figure are read from the document itself, which makes matching sharper.
        """
        self.catalog, self.lexicon = catalog, lexicon
        self.doc_scope = {c.doc_name: (c.org, c.year) for c in catalog}
        self.synonyms = _synonyms()
        self.known = {norm(c) for _, c in self.synonyms}  # the lexicon's canonical metric names
        # each figure's canonical name as the lexicon reads it now (a stored one may predate a synonym)
        self.heads = {c: self.canonical_name(c) or norm(c) for c in {f.canonical for f in figures}}
        canon = {f.metric: self.canonical(f.metric) for f in figures}
        self.views = views_for(figures, texts, canon)
        self.corpus = "".join(v.wide for v in self.views)
        terms_of("预算执行率")  # load the word segmenter now rather than on the first question

    # -- helpers -----------------------------------------------------------------------------------------
    def canonical(self, phrase: str) -> str:
        """The phrase with every metric synonym replaced by its canonical name."""
        out = norm(phrase)
        for syn, canon in self.synonyms:
            if syn in out and canon not in out:
                out = out.replace(syn, canon)
        return out

    @staticmethod
    def canonical_name(phrase: str) -> str:
        """The extractor's canonical metric name for a phrase ("部门整体支出绩效自评得分" -> "自评得分")."""
        try:
            from ingest.figures import canonical_metric
        except ImportError:
            return ""
        return norm(canonical_metric(phrase))

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
        return len(place) <= 6 and not re.search(r"局|委员会|厅|署|办公室$", place) and norm(place) in self.corpus

    # -- scope -------------------------------------------------------------------------------------------
    def scope_refusal(self, q: Query) -> Answer | None:
        """Refuse questions about organisations or years no report covers (every route, text too)."""
        known = "、".join(self.orgs()) or "（无）"
        if q.unknown_org and not self.mentioned(q.unknown_org):
            return refusal(q.question, f"没有“{q.unknown_org}”的报告；已导入报告的单位：{known}")
        if q.ambiguous_orgs:
            return refusal(q.question, f"问题中的单位可能指：{'、'.join(q.ambiguous_orgs)}，请写明是哪一个")
        for org in q.orgs:
            years = self.years_of(org)
            if q.years and years and not set(q.years) & set(years):
                have = "、".join(f"{y}年" for y in years)
                ask = "、".join(f"{y}年" for y in q.years)
                return refusal(q.question, f"{org}没有{ask}的报告，只有{have}的报告")
        all_years = sorted({c.year for c in self.catalog if c.year})
        missing = [y for y in q.years if y not in all_years]
        if missing and not q.orgs and all_years:
            have = "、".join(f"{y}年" for y in all_years)
            return refusal(q.question, f"没有{'、'.join(f'{y}年' for y in missing)}的报告，已导入的报告年度：{have}")
        for who, year in q.pairs:
            if who and year and year not in self.years_of(who):
                return refusal(q.question, f"{who}没有{year}年的报告")
        return None

    # -- look-up -----------------------------------------------------------------------------------------
    def find(self, phrase: str, orgs: list[str], years: list[int], *, unit_hint: str | None = None,
             unit_word: str | None = None, wants_target: bool = False, question: str = "",
             only_changes: bool = False) -> Found:
        """The figures that best state ``phrase`` for the given organisations and years.

        ``only_changes`` (the question asks "较上年增长了多少") leaves out every figure that is not a change.
        """
        core = core_phrase(phrase)
        phrases = list(dict.fromkeys(p for p in [norm(phrase), self.canonical(phrase), self.canonical_name(phrase),
                                                 self.canonical_name(core)] if p))
        term_sets = [terms_of(p) for p in phrases]
        if not any(t.key for ts in term_sets for t in ts):
            return Found(missing=[norm(phrase)] if norm(phrase) else [])
        asks_change = only_changes or bool(CHANGE_Q.search(METRIC_CHANGE.sub("", question)))
        whole = norm(phrase)
        asked = self.canonical_name(phrase)
        known = asked in self.known
        if not known:
            asked = self.canonical_name(core)
            known = asked in self.known
        asks_before = bool(BEFORE_Q.search(question))
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
                cov, miss, near = coverage(ts, v, f.quantity_kind)
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
            score *= kind_factor(f, wants_target, asks_change, question)
            role = f.extra.get("role", "")
            if role == "before" and not asks_before:
                score *= 0.6
            elif role == "after" and asks_before:
                score *= 0.8
            if f.qualifier in ("以上", "不少于", "超过", "逾") and not wants_target and f.kind == "target":
                score *= 0.95
            matches.append(Match(v, score, best_cov))
        if not matches:
            return Found(missing=near_missing)
        matches.sort(key=lambda m: m.score, reverse=True)
        best = matches[0]
        same = [m for m in matches if same_value(m.view.fig, best.view.fig) and m.score >= best.score - 0.25]
        rivals = [m for m in matches if not same_value(m.view.fig, best.view.fig) and m.score >= best.score - MARGIN]
        return Found(best, same, rivals, ranked=matches)

    # -- answers -----------------------------------------------------------------------------------------
    def answer(self, query: Query) -> Answer | None:
        """A figure answer, a refusal, or None when the question is not about a figure."""
        from app.figures import calc as figcalc

        if query.qtype == "text":
            return None
        scope = self.scope_refusal(query)
        if scope is not None:
            return scope
        if query.unknown_org and query.qtype == "lookup":
            # a place the reports talk about ("增城区举办的演习"): the figure's sentence must name it too
            query = replace(query, metric_text=query.unknown_org + query.metric_text)
        if query.qtype == "comparison":
            return figcalc.comparison(self, query)
        if query.qtype == "computed":
            return figcalc.computed(self, query)
        if query.qtype == "list":
            from app.figures.listing import listing

            return listing(self, query)
        return self.lookup(query)

    def lookup(self, q: Query) -> Answer | None:
        if not q.metric_text:
            return None
        found = self.find(q.metric_text, q.orgs, q.years, unit_hint=q.unit_hint, unit_word=q.unit_word,
                          wants_target=q.wants_target, question=q.question, only_changes=q.asks_change)
        if found.best is None:
            from app.figures import calc as figcalc

            computed = figcalc.rate_from_inputs(self, q)
            if computed is not None:
                return computed
            if not (q.asks_number or q.unit_hint):
                return None  # "预算执行情况": no figure fits, perhaps the text says it in words
            return self.not_listed(q, found)
        return self.answer_found(q, found)

    def not_listed(self, q: Query, found: Found) -> Answer:
        from app.figures.text import not_listed

        return not_listed(q, found)

    def answer_found(self, q: Query, found: Found) -> Answer:
        """Answer from a look-up, or refuse when equally good figures disagree (see app.figures.text)."""
        from app.figures.text import answer_found

        return answer_found(self, q, found)

    @staticmethod
    def label(f: Figure, asked: str, max_len: int = 14) -> str:
        """How the metric is named in the answer: the report's own words when short, else the question's."""
        m = re.sub(r"[（(][^（()）]*[)）]|[“”\"]", "", f.metric).strip("、，, ")
        if m and len(m) <= max_len and not re.search(r"\d", m) and not m.startswith(("、", "为", "在")):
            return m
        return asked or f.canonical

    @staticmethod
    def _prefix(org: str | None, year: int | None) -> str:
        return (f"{year}年" if year else "") + (org or "")

    def _where(self, f: Figure) -> str:
        org, year = self.scope_of(f)
        return f"{self._prefix(org, year)}{f.display}，" if (org or year) else f"{f.display}，"
