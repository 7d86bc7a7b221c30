"""How well a figure answers a metric phrase: key-term coverage at the figure's local, clause and row level."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from app.answer import Citation
from ingest.model import Figure

NORM = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9%]")
CLAUSE_END = "，,。；;！？!?\n\t"
SENTENCE_END = "。；;！？!?\n\t"
STOP = set("的了在对为和与及或是有把被将由从到向其中等之以于所各该这那此")
# words that say what kind of answer is wanted, or carry little meaning; they never decide a match
GENERIC = {
    "金额", "资金", "数额", "费用", "数量", "个数", "次数", "人数", "家数", "总数", "总额", "合计", "共计", "累计",
    "一共", "总共", "情况", "全年", "年度", "本年度", "期间", "时期", "过程", "以来", "方面", "工作", "相关", "有关",
    "各类", "各项", "全部", "所有", "官方", "实际", "完成", "实现", "达到", "开展", "进行", "组织", "实施", "共有",
    "获得", "取得", "全区", "全市", "全省", "全县", "数据", "规模", "水平", "多少", "具体", "目前", "当年", "今年",
    "得分", "分数", "评分", "分值", "部门", "整体", "单位", "本级", "案件", "件数", "安排", "比例", "比重", "占比", "百分比", "比率", "数值", "数字", "统计", "一下",
}
KIND_WORDS = {"得分": "score", "分数": "score", "评分": "score", "分值": "score", "比例": "percent",
              "比重": "percent", "占比": "percent", "百分比": "percent", "比率": "percent"}
# words that ask for a change against an earlier period; a reported change ("较上年增长4.08%") answers them
CHANGE_WORDS = {"同比", "环比", "较上年", "比上年", "上年", "去年", "同期", "上年同期", "增长", "增幅", "增长率", "变化",
                "幅度", "变化幅度", "变动", "下降", "降幅", "减少", "增加", "上升", "增减", "增减变化"}
LEVELS = (("local", 1.0), ("clause", 0.85), ("sentence", 0.7), ("wide", 0.5))
log = logging.getLogger(__name__)


def norm(text: str) -> str:
    """Text reduced to what matching looks at: CJK, letters, digits."""
    return NORM.sub("", text)


def strip_stop(text: str) -> str:
    """Normalised text without function characters: "发放了宣传资料" -> "发放宣传资料"."""
    return "".join(c for c in norm(text) if c not in STOP)


def core_phrase(phrase: str) -> str:
    """The phrase without trailing generic words: "年初预算安排了资金" -> "年初预算"."""
    out = norm(phrase)
    words = sorted(GENERIC, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        out = out.rstrip("".join(STOP))
        for w in words:
            if out.endswith(w) and len(out) > len(w) + 1:
                out, changed = out[: -len(w)], True
                break
    return out


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    key: bool  # must be found near the figure for it to be an answer


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def terms_of(phrase: str) -> list[Term]:
    """Content terms of a metric phrase, weighted; consecutive single characters are joined ("本年")."""
    jb = _jieba()
    text = norm(phrase)
    words: list[str] = []
    for w in jb.lcut(text):  # type: ignore[attr-defined]
        if len(w) >= 4:
            subs = [s for s in jb.lcut_for_search(w) if s != w and len(s) >= 2]  # type: ignore[attr-defined]
            if subs and set("".join(subs)) >= set(w):
                words.extend(dict.fromkeys(subs))
                continue
        words.append(w)
    merged: list[str] = []
    single = ""
    for w in words + [""]:
        if len(w) == 1 and w not in STOP and not w.isdigit():
            single += w
            continue
        if single:  # "大"+"检查" -> "大检查", "本"+"年" -> "本年": a lone character belongs to its neighbour
            if len(single) == 1 and w and w not in STOP:
                w = single + w
            else:
                merged.append(single)
            single = ""
        if w and w not in STOP:
            merged.append(w)
    out = []
    for w in dict.fromkeys(merged):
        key = len(w) >= 2 and w not in GENERIC and not w.isdigit()
        out.append(Term(w, float(min(len(w), 4)) if key else 0.3, key))
    return out


def subsequence(term: str, text: str) -> bool:
    """An abbreviation: the term's characters in order within a short window (安责险 in 安全生产责任险)."""
    if len(term) < 3:
        return False
    start = text.find(term[0])
    while start >= 0:
        pos, ok = start, True
        for ch in term[1:]:
            pos = text.find(ch, pos + 1)
            if pos < 0 or pos - start > 4 * len(term):
                ok = False
                break
        if ok:
            return True
        start = text.find(term[0], start + 1)
    return False


def term_found(term: str, text: str) -> float:
    """1.0 when the term is in the text, 0.8 as an abbreviation, 0.7 for most of a long term's bigrams."""
    if term in text:
        return 1.0
    if subsequence(term, text):
        return 0.8
    if len(term) >= 4:
        grams = [term[i:i + 2] for i in range(len(term) - 1)]
        if sum(g in text for g in grams) / len(grams) >= 0.66:
            return 0.7
    return 0.0


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

    def level_text(self, level: str) -> str:
        return getattr(self, level)  # type: ignore[no-any-return]


def _bounds(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    s = start
    while s > 0 and text[s - 1] not in stops:
        s -= 1
    e = end
    while e < len(text) and text[e] not in stops:
        e += 1
    return s, e


def _number_span(fig: Figure, doc: str) -> tuple[int, int] | None:
    """Where the figure's own number stands in the document (its evidence may hold several numbers)."""
    from ingest.numbers import find_quantities

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


def make_view(fig: Figure, doc: str | None, canon: str = "") -> View:
    """Texts around a figure. With the document text the windows are cut from it; else from the figure."""
    head = norm(fig.metric + fig.canonical + canon)
    span = _number_span(fig, doc) if doc else None
    if doc is None or span is None:
        ctx = norm(fig.context)
        return View(fig, head, norm(fig.evidence) or ctx, ctx, ctx)
    from ingest.numbers import find_quantities

    ns, ne = span
    cs, ce = _bounds(doc, ns, ne, CLAUSE_END)
    ls, le = cs, ce
    for q in find_quantities(doc[cs:ce]):
        qs, qe = cs + q.start, cs + q.end
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


def coverage(terms: list[Term], view: View, quantity_kind: str) -> tuple[float, list[str], float]:
    """How well the terms are found near the figure.

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
        if KIND_WORDS.get(t.text) == quantity_kind or (t.text in CHANGE_WORDS and is_change):
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


def views_for(figures: list[Figure], texts: Mapping[str, str] | None, canon: dict[str, str]) -> list[View]:
    """Views for all figures; ``texts`` maps doc_id (or doc_name) to document text.

    Without a document's text, a figure's widest context is what the figures of its chunk quote.
    """
    by_chunk: dict[tuple[str, str], list[str]] = {}
    for f in figures:
        ctx = by_chunk.setdefault((f.doc_id, f.chunk_id), [])
        if f.context not in ctx:
            ctx.append(f.context)
    out = []
    for f in figures:
        doc = None
        if texts:
            doc = texts.get(f.doc_id) or texts.get(f.doc_name)
        v = make_view(f, doc, canon.get(f.metric, ""))
        if doc is None and f.chunk_id:
            v.wide = norm("".join(by_chunk[(f.doc_id, f.chunk_id)]))
        out.append(v)
    return out


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
    return Citation(doc=f.doc_name, section=f.section, text=f.evidence, start=f.start, end=f.end, chunk_id=f.chunk_id)


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
