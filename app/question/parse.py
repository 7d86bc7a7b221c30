"""Question understanding: organisations, years, the metric asked about, question type and expected unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from app.question.ops import CHANGE_ASK, CHANGE_TAIL, computed_op, strip_edges
from app.question.orgs import Lexicon, OrgResolver, load_lexicon

__all__ = ["CatalogEntry", "Lexicon", "Query", "load_lexicon", "parse", "rewrite_followup", "years_in"]

CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
YEAR4 = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:(年度|年)|(?![\d.%万亿元]))")
YEAR_CN = re.compile(r"([〇零○一二三四五六七八九]{4})\s*(年度|年)")
YEAR2 = re.compile(r"(?<![\d.])(\d{2})\s*(年度|年)(?!代)")
UNIT_WORDS = ("个工作日", "工作日", "个百分点", "百分点", "万家次", "万人次", "家次", "人次", "宗次", "场次", "万元", "亿元",
              "元", "钱", "次", "家", "宗", "个", "人", "条", "份", "张", "块", "场", "支", "起", "项", "名", "所", "座",
              "台", "辆", "处", "篇", "期", "户", "天", "小时", "分", "吨", "公里", "平方米", "米", "亩", "公顷", "批",
              "件", "类", "门", "幅", "头", "对", "例", "株", "棵", "只", "艘", "套", "间", "栋", "盏")
ASK_UNIT = re.compile(r"(?:多少|几)((?:万|亿|千)?(?:" + "|".join(UNIT_WORDS) + "))?")
ASK_WORDS = re.compile(r"请问|是多少|为多少|有多少|达到多少|是几|有几|是什么|什么|哪些|哪个|哪里|是否|有没有|怎么样|如何|怎样|多少|几|吗|呢|啊|呀|么"
                       r"|百分之|[？?。！!]")
TARGET_VALUE_WORDS = re.compile(r"的?(?:预期实现值|预期目标值|目标值|预期值|指标值|计划值|设定值|年度完成值|实际完成值|实际完成"
                                r"|完成值|实际值|实现值)")
WANTS_TARGET = re.compile(r"目标|预期|指标值|计划|设定值|满分|分值|权重")
WANTS_ACTUAL = re.compile(r"完成值|实际|(?<!预期)实现值|实现了|完成了")
COMPARE = re.compile(r"谁|哪个|哪一个|哪家|哪年|哪一年|哪个单位|哪个部门|比较|对比|相比")
COMPARE_WORDS = re.compile(r"谁的|谁|哪一个|哪个单位|哪个部门|哪个|哪家|哪一年|哪年|进行比较|比较|对比|相比|之间"
                           r"|(?:更|较|最)(?:高|低|多|少|大|小)|(?:高|低|多|少|大|小)一些")
COMPARE_YEARS = re.compile(r"哪年|哪一年|哪个年度|哪一年度")
LOWER = re.compile(r"(?:更|较|最)(?:低|少|小)|(?:谁|哪)[^，,。？?]{0,12}?(?:低|少|小)(?:一些|一点)?[？?]?\s*$")
LIST_Q = re.compile(r"哪些|列出|列举|有哪几|清单")
THRESHOLD = re.compile(r"(低于|小于|不足|少于|未达到|未达|高于|大于|超过|多于|不低于|不少于|达到)\s*(\d+(?:\.\d+)?)\s*(%|万元|元)?")
MISSED = re.compile(r"未达到|没有达到|未达|未完成|没有完成|没达到|未实现")
PERCENT = re.compile(r"率|比例|比重|占比|百分之|百分比|%|增幅|降幅|幅度|进度")
SCORE = re.compile(r"得分|评分|分数|多少分|几分|分值")
MONEY = re.compile(r"万元|亿元|金额|资金|经费|预算|支出|收入|拨款|投资|罚款|费用|成本|资产|款项|财政|补助|补贴|结余|结转")
COUNT_HINT = re.compile(r"家次|人次|个数|数量|次数|人数|户数|件数|宗数")
NUMERIC = re.compile(r"多少|几|百分之|率|比例|比重|占比|金额|数量|总额|得分|分数|数额|预算|支出|收入|资金|经费|数$|额$|量$"
                     r"|目标值|预期值|指标值|完成值|实现值|实际完成|[人家]次$|目标$")
TEXT_Q = re.compile(r"什么|哪里|何时|哪天|什么时候|如何|怎样|怎么|为什么|原因|是否|有没有|哪些方面|哪家|哪些|哪几|哪个机构"
                    r"|哪个单位|哪个部门|哪一家|由谁|是谁")
TEXT_WEAK = re.compile(r"内容|措施|问题|等级|结论|举办|职责|情况$")
ASK_NUMBER = re.compile(r"多少|几[个家次项宗条份人天%]?|百分之|是几|数额|金额是|比例是|率是|得分是")


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
    qtype: str  # "lookup" | "computed" | "comparison" | "list" | "text"
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


def _unit_kind(unit_word: str) -> str:
    """The kind of quantity a unit word asks for: 万元 -> money, 百分点 -> points, 亩 -> area, 所 -> count."""
    from ingest.numbers import from_value

    q = from_value(1, "元" if unit_word == "钱" else unit_word)
    return q.kind if q.base_unit and q.kind != "other" or q.kind in ("money", "area") else (
        "other" if q.base_unit in ("公里", "米", "吨", "公斤", "立方米") else "count")


def _unit_hint(text: str, unit_word: str | None) -> str | None:
    kind = _unit_kind(unit_word) if unit_word else None
    if kind in ("money", "duration", "points", "area", "other"):
        return kind
    if unit_word == "分" or SCORE.search(text):
        return "score"
    if PERCENT.search(text):
        return "percent"
    if unit_word:
        return "count"
    if MONEY.search(text):
        return "money"
    if COUNT_HINT.search(text):
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


def parse(question: str, catalog: list[CatalogEntry], lexicon: Lexicon) -> Query:
    """Parse a question against the catalog of ingested reports."""
    q = re.sub(r"\s+", "", question.strip())
    ys = years_in(q)
    spans = [(s, e) for _, s, e, _ in ys]
    res = OrgResolver([c.org for c in catalog if c.org], lexicon).resolve(q, spans)
    spans += [(m.start, m.end) for m in res.matches]
    if res.unknown_span:
        spans.append(res.unknown_span)
    rest = "".join(" " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(q))
    unit_word = next((m.group(1) for m in ASK_UNIT.finditer(rest) if m.group(1)), None)
    if unit_word is None and (m := re.search(r"([人家户个件宗])(?:数|数量)(?:是|为|有)?(?:多少|几)?[？?]?$", rest)):
        unit_word = m.group(1)  # 参与人数 -> 人, 企业家数 -> 家
    hint_text = rest
    asks_number = bool(unit_word or ASK_NUMBER.search(rest))
    rest = ASK_UNIT.sub(" ", re.sub(r"[“”‘’\"'《》「」]", "", rest))
    wants_target = bool(WANTS_TARGET.search(rest)) and not WANTS_ACTUAL.search(rest)
    asks_items = LIST_Q.search(rest) or re.search(r"的(?:项目|指标|事项)(?:有)?\s*[？?]?\s*$", rest)
    is_list = bool(asks_items) and bool(THRESHOLD.search(rest) or MISSED.search(rest))
    orgs = list(dict.fromkeys(o for m in res.matches if len(m.orgs) == 1 for o in m.orgs))
    years = list(dict.fromkeys(y for y, *_ in ys))
    if COMPARE_YEARS.search(rest) and len(orgs) == 1 and len(years) < 2 and not is_list:
        # "中山市司法局预算执行率哪年更高": every year the catalog has for that organisation
        own = sorted({c.year for c in catalog if c.org == orgs[0] and c.year})
        if len(own) >= 2:
            years = own
            ys = [(y, -1, -1, f"{y}年") for y in own]
    is_compare = bool(COMPARE.search(rest)) and (len(orgs) >= 2 or len(years) >= 2) and not is_list
    metric = ASK_WORDS.sub(" ", TARGET_VALUE_WORDS.sub(" ", rest))
    threshold: tuple[str, Decimal, str] | None = None
    compare = None
    if is_list:
        if m := THRESHOLD.search(metric):
            cmp = "<" if m.group(1) in ("低于", "小于", "不足", "少于", "未达到", "未达") else ">"
            threshold = (cmp, Decimal(m.group(2)), m.group(3) or "")
            metric = metric[:m.start()] + " " + metric[m.end():]
        else:
            threshold = ("missed", Decimal(0), "")
            metric = MISSED.sub(" ", metric)
    elif m := THRESHOLD.search(metric):  # "预算执行率低于95%吗": look the figure up, the reader compares
        metric = metric[:m.start()] + " " + metric[m.end():]
    if is_compare:
        compare = "lower" if LOWER.search(rest) else "higher"
        metric = COMPARE_WORDS.sub(" ", metric)
        metric = re.sub(r"(?:更|较|最)?[高低多少大小]\s*$", "", metric.rstrip())
        metric = re.sub(r"^[\s和与及跟同，,、]+|(?<=\s)[和与及跟同](?=\s)", " ", metric)
    metric = strip_edges(re.sub(r"\s+", "", metric))
    metric = strip_edges(re.sub(r"的?(?:目标|预期|计划)$", "", metric)) or metric
    op, parts, sign = (None, [], 1) if (is_list or is_compare) else computed_op(metric, len(years))
    asks_change = False
    if not (is_list or is_compare or op) and (m := CHANGE_ASK.search(metric)) and m.group():
        asks_change = True  # "基本支出较上年增长了": the metric is 基本支出, the answer must be a change
        metric = strip_edges(re.sub(r"\s+", "", metric[:m.start()] + " " + metric[m.end():])) or metric
    elif not (is_list or is_compare or op) and (m := CHANGE_TAIL.search(metric)) and len(metric) - len(m.group()) >= 2 \
            and re.search(r"百分之|%|百分点", hint_text):
        asks_change = True  # "农业总产值增长了百分之多少"
        metric = strip_edges(metric[:m.start()])
    if is_list:
        qtype = "list"
    elif is_compare:
        qtype = "comparison"
    elif op:
        qtype = "computed"
    elif asks_number:
        qtype = "lookup"
    elif TEXT_Q.search(hint_text) or not metric:
        qtype = "text"
    elif NUMERIC.search(hint_text):
        qtype = "lookup"
    elif TEXT_WEAK.search(hint_text):
        qtype = "text"
    else:
        qtype = "lookup" if re.search(r"[率数额量费金]$|支出|收入|预算|得分", metric) else "text"
    unit_hint = "percent" if op in ("ratio", "growth_years") else _unit_hint(hint_text, unit_word)
    if asks_change and not unit_word and not re.search(r"百分之|百分比|%|增幅|降幅|增长率|下降率|幅度", hint_text):
        unit_hint = None  # "较上年增长了多少": an amount, a percentage or points may answer it
    if not asks_number and metric.endswith("情况"):
        unit_hint = None  # "预算执行情况": any figure, or words
    return Query(
        question=question, orgs=orgs, years=years, metric_text=metric, qtype=qtype, unit_hint=unit_hint,
        wants_target=wants_target, unknown_org=res.unknown, ambiguous_orgs=res.ambiguous,
        org_mentions=[m.text for m in res.matches], year_mentions=[t for *_, t in ys], unit_word=unit_word,
        op=op, parts=parts, sign=sign, compare=compare, threshold=threshold,
        asks_change=asks_change, asks_number=asks_number or asks_change,
        pairs=_pairs([(m.start, m.orgs[0]) for m in res.matches if len(m.orgs) == 1], [(s, y) for y, s, *_ in ys]),
    )


FOLLOW_LEAD = re.compile(r"^(?:那么|那|它的|它们的|它|其|该单位的|该单位|该局的|该局|这个单位的|这家单位的|同样|再问一下)")
FOLLOW_TAIL = re.compile(r"呢|怎么样|如何|又是多少|又是|情况")
_DEFAULT_LEXICON: list[Lexicon] = []


def rewrite_followup(question: str, previous: Query, catalog: list[CatalogEntry] | None = None,
                     lexicon: Lexicon | None = None) -> str:
    """Turn a follow-up into a full question using the previous one.

    "那2021年呢？" after "2022年海珠区预算执行率是多少" -> "2021年海珠区预算执行率是多少";
    "它的年初预算呢？" -> "2022年海珠区年初预算是多少". A question that stands on its own comes back unchanged.
    Pass the catalog and lexicon so organisation names in the follow-up are recognised as such.
    """
    q = re.sub(r"\s+", "", question.strip())
    lead = FOLLOW_LEAD.match(q)
    body = q[lead.end():] if lead else q
    if lexicon is None:
        if not _DEFAULT_LEXICON:
            _DEFAULT_LEXICON.append(load_lexicon())
        lexicon = _DEFAULT_LEXICON[0]
    cur = parse(body, catalog or [], lexicon)
    org_text = cur.org_mentions[0] if cur.org_mentions else (cur.unknown_org or "")
    metric = strip_edges(FOLLOW_TAIL.sub("", cur.metric_text))
    if metric and (org_text or cur.years):
        return body if lead else question  # it names everything itself
    if not lead and not re.search(r"呢[？?]?$|怎么样[？?]?$|如何[？?]?$", q):
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
