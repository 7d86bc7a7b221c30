"""Question understanding: organisations, years, the metric asked about, the answer route and expected unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from app.question.ops import computed_op, strip_edges
from app.question.orgs import OrgResolver
from app.question.words import QuestionWords, question_words
from app.routes import Route
from core.vocabulary import Lexicon, Vocabulary, load_lexicon, load_vocabulary
from ingest.numbers import from_value

__all__ = ["CatalogEntry", "Lexicon", "Query", "Vocabulary", "load_lexicon", "load_vocabulary", "parse",
           "rewrite_followup", "years_in"]

CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
YEAR4 = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:(年度|年)|(?![\d.%万亿元]))")
YEAR_CN = re.compile(r"([〇零○一二三四五六七八九]{4})\s*(年度|年)")
YEAR2 = re.compile(r"(?<![\d.])(\d{2})\s*(年度|年)(?!代)")
QTYPES = {Route.FIGURE: "lookup", Route.COMPUTED: "computed", Route.COMPARISON: "comparison", Route.LIST: "list",
          Route.TEXT: "text"}


@dataclass(frozen=True)
class CatalogEntry:
    """One ingested report: who, which year, which file."""

    org: str | None
    year: int | None
    doc_name: str
    report_type: str | None


@dataclass
class Query:
    """A parsed question. The first fields are the contract; the rest carry details for figure answering."""

    question: str
    orgs: list[str]  # resolved known organisations (full names), in question order
    years: list[int]
    metric_text: str  # the question minus organisation, year and question words
    route: Route  # how it is answered: FIGURE (a look-up), COMPUTED, COMPARISON, LIST or TEXT
    unit_hint: str | None  # "money" | "percent" | "count" | "score" | "duration" | None
    wants_target: bool
    unknown_org: str | None = None
    ambiguous_orgs: list[str] = field(default_factory=list)
    org_mentions: list[str] = field(default_factory=list)  # the organisations as written
    year_mentions: list[str] = field(default_factory=list)  # the years as written ("2022年")
    unit_word: str | None = None  # unit asked for: 多少宗 -> "宗"
    op: str | None = None  # computed: "ratio" | "diff" | "sum" | "diff_years" | "growth_years"
    parts: list[str] = field(default_factory=list)  # computed inputs, as metric phrases
    sign: int = 1  # diff: +1 for a - b (多/增加), -1 for b - a (少/减少)
    compare: str | None = None  # comparison: "higher" | "lower"
    pairs: list[tuple[str | None, int | None]] = field(default_factory=list)  # (org, year) per compared item
    threshold: tuple[str, Decimal, str] | None = None  # list: (operator "<"/">"/"missed", value, unit)
    asks_number: bool = False  # says 多少/几/百分之…: when no figure fits, refuse rather than try the text
    asks_change: bool = False  # "较上年增长了多少": only a reported change answers it, never the level itself

    @property
    def qtype(self) -> str:
        """The route by its older name: "lookup" | "computed" | "comparison" | "list" | "text"."""
        return QTYPES[self.route]


def years_in(text: str) -> list[tuple[int, int, int, str]]:
    """(year, start, end, as written) for every year mention: 2022年, 2022年度, 二〇二二年, 22年."""
    out: list[tuple[int, int, int, str]] = []
    for m in YEAR4.finditer(text):
        if m.group(2) or m.end() == len(text) or not text[m.end()].isdigit():
            out.append((int(m.group(1)), m.start(), m.end(), m.group()))
    for m in YEAR_CN.finditer(text):
        out.append((int("".join(CN_DIGITS[c] for c in m.group(1))), m.start(), m.end(), m.group()))
    taken = [(s, e) for _, s, e, _ in out]
    for m in YEAR2.finditer(text):
        if not any(s <= m.start() < e for s, e in taken) and int(m.group(1)) <= 60:
            out.append((2000 + int(m.group(1)), m.start(), m.end(), m.group()))
    return sorted(out, key=lambda t: t[1])


def _unit_kind(unit_word: str, w: QuestionWords) -> str:
    """The kind of quantity a unit word asks for: 万元 -> money, 百分点 -> points, 亩 -> area, 吨 -> other, 所 -> count."""
    q = from_value(1, "元" if unit_word == "钱" else unit_word)
    if q.base_unit and q.kind != "other" or q.kind in ("money", "area"):
        return q.kind
    measured = {base for base, kind in w.vocabulary.units.measures.values() if kind == "other"}
    return "other" if q.base_unit in measured else "count"


def _unit_hint(text: str, unit_word: str | None, w: QuestionWords) -> str | None:
    kind = _unit_kind(unit_word, w) if unit_word else None
    if kind in ("money", "duration", "points", "area", "other"):
        return kind
    if unit_word == "分" or w.score.search(text):
        return "score"
    if w.percent.search(text):
        return "percent"
    if unit_word:
        return "count"
    if w.money.search(text):
        return "money"
    if w.count.search(text):
        return "count"
    return None


def _pairs(orgs: list[tuple[int, str]], years: list[tuple[int, int]]) -> list[tuple[str | None, int | None]]:
    """Pair each organisation with its year for comparisons ("2020年甲和2022年乙")."""
    if len(orgs) >= 2 and len(years) == len(orgs):
        out: list[tuple[str | None, int | None]] = []
        for pos, org in orgs:
            before = [y for p, y in years if p < pos]
            out.append((org, before[-1] if before else years[len(out)][1]))
        return out
    if len(orgs) >= 2:
        y = years[0][1] if len(years) == 1 else None
        return [(o, y) for _, o in orgs]
    if len(years) >= 2:
        o = orgs[0][1] if orgs else None
        return [(o, y) for _, y in years]
    return []


def _route(metric: str, hint_text: str, w: QuestionWords, *, is_list: bool, is_compare: bool, op: str | None,
           asks_number: bool) -> Route:
    """How the question is answered: a list, a comparison, a computation, a look-up or the text."""
    if is_list:
        return Route.LIST
    if is_compare:
        return Route.COMPARISON
    if op:
        return Route.COMPUTED
    if asks_number:
        return Route.FIGURE
    if w.text.search(hint_text) or not metric:
        return Route.TEXT
    if w.numeric.search(hint_text):
        return Route.FIGURE
    if w.text_weak.search(hint_text):
        return Route.TEXT
    return Route.FIGURE if re.search(r"[率数额量费金]$|支出|收入|预算|得分", metric) else Route.TEXT


def parse(question: str, catalog: list[CatalogEntry], lexicon: Vocabulary) -> Query:
    """Parse a question against the catalog of ingested reports, with the words of ``lexicon``."""
    w = question_words(lexicon)
    q = re.sub(r"\s+", "", question.strip())
    ys = years_in(q)
    spans = [(s, e) for _, s, e, _ in ys]
    res = OrgResolver([c.org for c in catalog if c.org], lexicon).resolve(q, spans)
    spans += [(m.start, m.end) for m in res.matches]
    if res.unknown_span:
        spans.append(res.unknown_span)
    rest = "".join(" " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(q))
    unit_word = next((m.group(1) for m in w.ask_unit.finditer(rest) if m.group(1)), None)
    if unit_word is None and (m := w.counted.search(rest)):
        unit_word = m.group(1)  # 参与人数 -> 人, 企业家数 -> 家
    hint_text = rest
    asks_number = bool(unit_word or w.ask_number.search(rest))
    rest = w.ask_unit.sub(" ", re.sub(r"[“”‘’\"'《》「」]", "", rest))
    wants_target = bool(w.wants_target.search(rest)) and not w.wants_actual.search(rest)
    asks_items = w.listing.search(rest) or re.search(r"的(?:项目|指标|事项)(?:有)?\s*[？?]?\s*$", rest)
    is_list = bool(asks_items) and bool(w.threshold.search(rest) or w.missed.search(rest))
    orgs = list(dict.fromkeys(o for m in res.matches if len(m.orgs) == 1 for o in m.orgs))
    years = list(dict.fromkeys(y for y, *_ in ys))
    if w.compare_years.search(rest) and len(orgs) == 1 and len(years) < 2 and not is_list:
        # "中山市司法局预算执行率哪年更高": every year the catalog has for that organisation
        own = sorted({c.year for c in catalog if c.org == orgs[0] and c.year})
        if len(own) >= 2:
            years = own
            ys = [(y, -1, -1, f"{y}年") for y in own]
    is_compare = bool(w.compare.search(rest)) and (len(orgs) >= 2 or len(years) >= 2) and not is_list
    metric = w.ask.sub(" ", w.value_words.sub(" ", rest))
    threshold: tuple[str, Decimal, str] | None = None
    compare = None
    if is_list:
        if m := w.threshold.search(metric):
            cmp = "<" if m.group(1) in w.below else ">"
            threshold = (cmp, Decimal(m.group(2)), m.group(3) or "")
            metric = metric[:m.start()] + " " + metric[m.end():]
        else:
            threshold = ("missed", Decimal(0), "")
            metric = w.missed.sub(" ", metric)
    elif m := w.threshold.search(metric):  # "预算执行率低于95%吗": look the figure up, the reader compares
        metric = metric[:m.start()] + " " + metric[m.end():]
    if is_compare:
        compare = "lower" if w.lower.search(rest) else "higher"
        metric = w.compare_words.sub(" ", metric)
        metric = w.compare_tail.sub("", metric.rstrip())
        metric = re.sub(r"^[\s和与及跟同，,、]+|(?<=\s)[和与及跟同](?=\s)", " ", metric)
    metric = strip_edges(re.sub(r"\s+", "", metric))
    metric = strip_edges(re.sub(r"的?(?:目标|预期|计划)$", "", metric)) or metric
    op, parts, sign = (None, [], 1) if (is_list or is_compare) else computed_op(metric, len(years), w)
    asks_change = False
    if not (is_list or is_compare or op) and (m := w.change_ask.search(metric)) and m.group():
        asks_change = True  # "基本支出较上年增长了": the metric is 基本支出, the answer must be a change
        metric = strip_edges(re.sub(r"\s+", "", metric[:m.start()] + " " + metric[m.end():])) or metric
    elif not (is_list or is_compare or op) and (m := w.change_tail.search(metric)) and len(metric) - len(m.group()) >= 2 \
            and w.in_percent_or_points.search(hint_text):
        asks_change = True  # "农业总产值增长了百分之多少"
        metric = strip_edges(metric[:m.start()])
    route = _route(metric, hint_text, w, is_list=is_list, is_compare=is_compare, op=op, asks_number=asks_number)
    unit_hint = "percent" if op in ("ratio", "growth_years") else _unit_hint(hint_text, unit_word, w)
    if asks_change and not unit_word and not w.in_percent.search(hint_text):
        unit_hint = None  # "较上年增长了多少": an amount, a percentage or points may answer it
    if not asks_number and metric.endswith("情况"):
        unit_hint = None  # "预算执行情况": any figure, or words
    return Query(
        question=question, orgs=orgs, years=years, metric_text=metric, route=route, unit_hint=unit_hint,
        wants_target=wants_target, unknown_org=res.unknown, ambiguous_orgs=res.ambiguous,
        org_mentions=[m.text for m in res.matches], year_mentions=[t for *_, t in ys], unit_word=unit_word,
        op=op, parts=parts, sign=sign, compare=compare, threshold=threshold,
        asks_change=asks_change, asks_number=asks_number or asks_change,
        pairs=_pairs([(m.start, m.orgs[0]) for m in res.matches if len(m.orgs) == 1], [(s, y) for y, s, *_ in ys]),
    )


def rewrite_followup(question: str, previous: Query, catalog: list[CatalogEntry] | None = None,
                     lexicon: Vocabulary | None = None) -> str:
    """Turn a follow-up into a full question using the previous one.

    "那2021年呢？" after "2022年海珠区预算执行率是多少" -> "2021年海珠区预算执行率是多少";
    "它的年初预算呢？" -> "2022年海珠区年初预算是多少". A question that stands on its own comes back unchanged.
    Pass the catalog and vocabulary so organisation names in the follow-up are recognised as such.
    """
    lexicon = lexicon or load_vocabulary()
    w = question_words(lexicon)
    q = re.sub(r"\s+", "", question.strip())
    lead = w.followup_lead.match(q)
    body = q[lead.end():] if lead else q
    cur = parse(body, catalog or [], lexicon)
    org_text = cur.org_mentions[0] if cur.org_mentions else (cur.unknown_org or "")
    metric = strip_edges(w.followup_tail.sub("", cur.metric_text))
    if metric and (org_text or not previous.org_mentions) and (cur.years or not previous.year_mentions):
        return body if lead else question  # it names everything itself
    if not lead and not w.followup_end.search(q):
        return question
    if not (cur.years or org_text or metric):
        return question
    out = previous.question.strip()
    if cur.year_mentions:
        new_year = cur.year_mentions[0]
        new_year = new_year if new_year.endswith(("年", "年度")) else f"{cur.years[0]}年"
        out = out.replace(previous.year_mentions[0], new_year, 1) if previous.year_mentions else new_year + out
    if org_text:
        out = out.replace(previous.org_mentions[0], org_text, 1) if previous.org_mentions else org_text + out
    if metric:
        if previous.metric_text and previous.metric_text in out:
            out = out.replace(previous.metric_text, metric, 1)
        else:
            year = cur.year_mentions[:1] or previous.year_mentions[:1]
            org = [org_text] if org_text else previous.org_mentions[:1]
            out = "".join(year) + "".join(org) + metric + "是多少"
    return out
