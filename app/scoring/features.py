"""Features of (question, candidate) pairs. Every rule the old answer path applied as a gate is a feature here,
and the fitted model decides how much it counts."""

from __future__ import annotations

import math
import re

from app.scoring.candidates import Candidate
from app.scoring.cues import CHANGE, NOT_CHANGE, TARGET, Cues, bigrams, normalize
from ingest.metrics import canonical_metric

OTHER_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
CHANGE_BEFORE = re.compile(r"(?:增长|增加|减少|下降|上升|提高|降低|增收|减收|增幅|降幅|回落|减|增|多|少)[了为达约近]?$")
TARGET_NEAR = re.compile(r"目标|计划|预期|指标值|年初预算|预算数|≥|≤|不低于|不少于|不高于|大于|小于|以上|以内")
RATIO_NEAR = re.compile(r"的$|为$|占$|完成$|达到?$|率为?$")
# a place or body the question names ("天河区", "漳平市民族与宗教事务局"): absent from a report, it is not that report
PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|区|县|镇|乡|局|厅|委员会|委|办公室|中心|馆|站|院)(?=[\u4e00-\u9fff\d])")
REGION_ENDS = ("省", "自治区", "市", "区", "县", "镇", "乡")
DEFINITE = ("money", "percent", "score")  # kinds a stated figure carries in its unit
KIND_OF = {"money": "money", "percent": "percent", "points": "percent", "score": "score", "count": "count",
           "duration": "count", "area": "other", "other": "other"}

NAMES = (
    "g_left", "g_clause", "g_sent", "g_label", "g_head", "g_union", "g_doc", "g3_left", "g3_sent", "prec_left",
    "near", "gap_left", "gap_union", "gap_sent",
    "q_year", "year_eq", "year_ne", "year_unknown", "year_in_sent", "year_in_head", "year_in_doc", "other_year_clause",
    "kind_eq", "kind_ne", "unit_eq", "bare", "asks_none",
    "cand_change", "ch_match", "ch_asked_not", "ch_not_asked",
    "cand_target", "tg_match", "tg_asked_not", "tg_not_asked",
    "qualifier", "ratio_near",
    "rank", "dense", "bm25", "top_doc",
    "rule_pick", "table", "table_unit",
    "i_left", "i_win", "i_sent", "i_union", "i_miss", "gap_i_left", "gap_i_union", "g_win12", "g_win30",
    "i_win12", "phrase", "gap_phrase", "gap_i_win12",
    "place_absent", "place_in_head", "canon_eq", "body_absent", "region_absent_no_org", "ch_pct", "kind_clash",
)


ASK_PREFIX = re.compile(r"^\s*(?:请你?|麻烦)?(?:简要|简单)?(?:介绍|说说|谈谈|讲讲|概括|总结|概述|说明)(?:一下)?")


def asked_places(question: str) -> list[str]:
    """Places and bodies a question names, normalised ("天河区", "应急管理局"; "介绍一下海珠区…" names 海珠区)."""
    return [normalize(p.lstrip("年度的")) for p in PLACE.findall(ASK_PREFIX.sub("", question))]


def asked_regions(question: str) -> list[str]:
    """The regions among the places a question names ("闵行区", "茂名市"; not "全区", not "发改局")."""
    return [p for p in asked_places(question) if len(p) >= 3 and p.endswith(REGION_ENDS)]


def place_in(place: str, text_grams: frozenset[str]) -> bool:
    """Whether a text mentions a place: its first two characters and most of its character pairs stand in it
    (泉州台商区 ~ 泉州台商投资区, 茂名市发改局 ~ 茂名市发展和改革局; not 闵行区 ~ 运行区)."""
    grams = bigrams(place)
    return bool(grams) and place[:2] in text_grams and len(grams & text_grams) / len(grams) >= 0.5


def _frac(grams: frozenset[str], text: str) -> float:
    if not grams:
        return 0.0
    return len(grams & bigrams(text)) / len(grams)


def _trigrams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


def _near(terms_grams: frozenset[str], before: str) -> float:
    """How close the nearest asked word stands before the number (1: right before it, → 0 far away)."""
    for d in range(len(before) - 1, 0, -1):
        if before[d - 1:d + 1] in terms_grams:
            return 1.0 / (1.0 + (len(before) - d - 1) / 6.0)
    return 0.0


def featurize(cues: Cues, cands: list[Candidate], rule_value: tuple[str, float] | None = None) -> None:
    """Fill ``c.features`` for every candidate of one question (some features compare candidates)."""
    q3 = _trigrams(re.sub(r"\s+", "", cues.terms))
    places = asked_places(cues.question)
    regions = asked_regions(cues.question)
    bodies = [p for p in places if p not in regions]
    asked_canon = canonical_metric(cues.terms.replace(" ", "")) if cues.terms.strip() else ""
    max_bm25 = max((c.bm25 for c in cands), default=0.0) or 1.0
    top_doc = cands[0].doc.id if cands else ""
    for c in cands:
        f = c.features
        g = cues.grams
        left, clause, sent = normalize(c.left), normalize(c.clause), normalize(c.sentence)
        label = normalize(c.figure.metric + c.figure.extra.get("column", "") + c.figure.extra.get("table", "")) \
            if c.figure else ""
        head = normalize(c.doc.org + c.doc.title + c.doc.head)
        f["g_left"], f["g_clause"], f["g_sent"] = _frac(g, left), _frac(g, clause), _frac(g, sent)
        f["g_label"] = _frac(g, label)
        f["g_head"] = _frac(g, head)
        f["g_union"] = _frac(g, sent + "|" + head + "|" + normalize(c.chunk.section) + "|" + label)
        f["g_doc"] = _frac(g, normalize(c.doc.text))
        f["g3_left"] = len(q3 & _trigrams(left)) / len(q3) if q3 else 0.0
        f["g3_sent"] = len(q3 & _trigrams(sent)) / len(q3) if q3 else 0.0
        lg = bigrams(left)
        f["prec_left"] = len(lg & g) / len(lg) if lg else 0.0
        f["near"] = _near(g, normalize(c.before))
        years = [str(y) for y in cues.years]
        f["q_year"] = float(bool(years))
        f["year_eq"] = float(bool(years) and c.doc.year is not None and c.doc.year in cues.years)
        f["year_ne"] = float(bool(years) and c.doc.year is not None and c.doc.year not in cues.years)
        f["year_unknown"] = float(bool(years) and c.doc.year is None)
        f["year_in_sent"] = float(any(y in c.sentence for y in years))
        f["year_in_head"] = float(any(y in c.doc.title + c.doc.head for y in years))
        f["year_in_doc"] = float(any(y in c.doc.text for y in years))
        clause_years = set(OTHER_YEAR.findall(c.clause))
        f["other_year_clause"] = float(bool(clause_years - set(years)) and not clause_years & set(years))
        kind = KIND_OF.get(c.quantity.kind, "other")
        f["kind_eq"] = float(bool(cues.kind) and kind == cues.kind)
        f["kind_ne"] = float(bool(cues.kind) and kind != cues.kind)
        # an amount for "比例是多少", a rate for "多少万元": the question said the kind outright
        f["kind_clash"] = float(cues.said_kind in DEFINITE and kind in DEFINITE and kind != cues.said_kind)
        f["unit_eq"] = float(bool(cues.unit) and c.quantity.unit == cues.unit)
        f["bare"] = float(c.quantity.unit == "")
        f["asks_none"] = float(not cues.kind)
        is_change = bool(c.quantity.direction) or (c.figure is not None and c.figure.kind == "change") or \
            bool(CHANGE_BEFORE.search(left)) or bool(CHANGE.search(NOT_CHANGE.sub("", left[-6:])))
        f["cand_change"] = float(is_change)
        f["ch_match"] = float(cues.change and is_change)
        f["ch_asked_not"] = float(cues.change and not is_change)
        f["ch_not_asked"] = float(not cues.change and is_change)
        f["ch_pct"] = float(cues.change and is_change and kind == "percent")  # "增长了多少" mostly asks the rate
        is_target = (c.figure is not None and c.figure.kind == "target") or bool(TARGET_NEAR.search(left[-12:]))
        asks_target = cues.target and not cues.actual and bool(TARGET.search(cues.text))
        f["cand_target"] = float(is_target)
        f["tg_match"] = float(asks_target and is_target)
        f["tg_asked_not"] = float(asks_target and not is_target)
        f["tg_not_asked"] = float(not asks_target and is_target)
        f["qualifier"] = float(bool(c.quantity.qualifier))
        f["ratio_near"] = float(bool(RATIO_NEAR.search(left)))
        f["rank"] = 1.0 / (1.0 + c.rank)
        f["dense"] = c.dense
        f["bm25"] = c.bm25 / max_bm25
        f["top_doc"] = float(c.doc.id == top_doc)
        f["rule_pick"] = float(rule_value is not None and rule_value[0] == c.doc.name
                               and abs(float(c.quantity.value) - rule_value[1]) < 1e-9)
        f["table_unit"] = float(c.unit_from_table)
        win = normalize(c.doc.text[max(0, c.quantity.start - 30):c.quantity.start])
        f["g_win12"], f["g_win30"] = _frac(g, win[-12:]), _frac(g, win)
        doc_grams = bigrams(normalize(c.doc.org + c.doc.title + c.doc.text))
        region_absent = any(not place_in(p, doc_grams) for p in regions)
        # a report that names its organisation and never the asked region is another region's report; one
        # that names no organisation may still be it (a speech to "区人大" never says which district)
        f["place_absent"] = float(region_absent and bool(c.doc.org))
        f["region_absent_no_org"] = float(region_absent and not c.doc.org)
        f["body_absent"] = float(any(not place_in(p, doc_grams) for p in bodies))
        f["place_in_head"] = float(bool(places) and all(p in normalize(c.doc.org + c.doc.title + c.doc.head)
                                                        for p in places))
        f["canon_eq"] = float(bool(asked_canon) and c.figure is not None and bool(c.figure.canonical)
                              and (c.figure.canonical in asked_canon or asked_canon.endswith(c.figure.canonical)))
        f["table"] = float("|" in c.sentence or (c.figure is not None and c.figure.extra.get("source") == "table"))
    _idf_features(cues, cands)
    for name in ("left", "union", "sent", "i_left", "i_union", "phrase", "i_win12"):
        key = name if name.startswith("i_") or name == "phrase" else f"g_{name}"
        best = max((c.features[key] for c in cands), default=0.0)
        for c in cands:
            c.features[f"gap_{name}"] = c.features[key] - best


def _idf_features(cues: Cues, cands: list[Candidate]) -> None:
    """Coverage of the question's words weighted by how rare each is among this question's candidates:
    the words that tell candidates apart count most ("收入" against "支出"), words all of them share little."""
    if not cands or not cues.grams:
        for c in cands:
            c.features.update(i_left=0.0, i_win=0.0, i_sent=0.0, i_union=0.0, i_miss=0.0, i_win12=0.0, phrase=0.0)
        return
    sents = [bigrams(normalize(c.sentence + c.doc.org + c.doc.title)) for c in cands]
    parts = [s for s in cues.terms.split() if len(s) >= 2]
    n = len(cands)
    weight = {g: math.log((n + 1) / (1 + sum(g in s for s in sents))) + 0.1 for g in cues.grams}
    total = sum(weight.values())

    def cover(text: str) -> float:
        have = bigrams(normalize(text))
        return sum(w for g, w in weight.items() if g in have) / total

    for c, sg in zip(cands, sents, strict=True):
        head = c.doc.org + c.doc.title + c.doc.head + c.chunk.section
        win = c.doc.text[max(0, c.quantity.start - 30):c.quantity.start]
        c.features["i_left"] = cover(c.left)
        c.features["i_win"] = cover(win)
        c.features["i_win12"] = cover(win[-12:])
        c.features["phrase"] = _phrase(parts, normalize(win))
        c.features["i_sent"] = sum(w for g, w in weight.items() if g in sg) / total
        c.features["i_union"] = cover(c.sentence + "|" + head)
        c.features["i_miss"] = 1.0 - c.features["i_union"]


def _phrase(parts: list[str], window: str) -> float:
    """The longest piece of the question's wording found whole in the window before the number, in characters
    (capped at 12): "收入总量" right before "为615.2亿元" beats the shared "一般公共预算"."""
    best = 0
    for part in parts:
        for n in range(min(len(part), 12), best, -1):
            if any(part[i:i + n] in window for i in range(len(part) - n + 1)):
                best = n
                break
    return best / 12.0
