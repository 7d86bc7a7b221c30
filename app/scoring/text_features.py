"""Features of (text question, passage) pairs for the fitted text scorer.

The question's words are weighted by how rare they are among its candidate clauses. Its "attribute" words are
those its report's title, organisation and opening do not hold: what is asked of the report ("上报时间", "主管部门"),
as against which report it is about. What kind of words the question asks for (a date, a meeting, an
organisation, a reason …) is matched against what each passage holds. The model weighs all of it.
"""

from __future__ import annotations

import math
import re

from app.scoring.cues import Cues, bigrams, normalize
from app.scoring.passages import DATE, LIST_START, Passage, question_grams

# what a question asks for as words, and what a passage holding such an answer contains
ASK_TYPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("date", re.compile(r"什么时候|何时|哪天|哪一天|日期|时间|时段|哪段时间|几月|时点|哪年"), DATE),
    ("meeting", re.compile(r"会议|哪次会|哪一次会"), re.compile(r"会议|会上|常委会")),
    ("project", re.compile(r"什么项目|哪个项目|哪些项目|用在|用于|用来"), re.compile(r"项目|工程|用于|建设")),
    ("org", re.compile(r"谁|哪(?:个|家|些|一)(?:单位|机构|部门|局)|哪家|什么(?:单位|机构|部门)|由哪|(?:部门|单位|机构)是哪|"
                       r"组织实施"),
     re.compile(r"局|委员会|委|办公室|中心|公司|政府|所|馆|院|站|厅|部|处|股|街道|镇|事务所")),
    ("person", re.compile(r"谁|负责人|组长|局长|报告人|主任"),
     re.compile(r"局长|主任|组长|负责人|主席|书记|[局长任为]\s*[\u4e00-\u9fff]{2,3}\s*$")),
    ("reason", re.compile(r"原因|为什么|为何"), re.compile(r"原因|主要是|由于|因为|受|导致|增加|减少|下降|影响")),
    ("problem", re.compile(r"问题|不足|短板"), re.compile(r"不够|不到位|滞后|薄弱|不足|有待|不高|不强|偏|未|缺乏|不完善|较少")),
    ("measure", re.compile(r"措施|建议|改进|下一步|怎么办"), re.compile(r"加强|强化|推进|提高|完善|建立|加快|健全|落实|优化|开展")),
    ("document", re.compile(r"文件|依据|根据|通知|法规|哪个文"), re.compile(r"〔|《|号|文件|通知|条例")),
    ("level", re.compile(r"等级|档次|等次|评价结果|评级|结论|结果是|结果为"), re.compile(r"(?:为|是|[:：“\"「])\s*(?:优|良|中|差|合格|较好|一般)|优秀|良好|合格|^\s*[优良中差](?:[(（”」]|$)")),
    ("place", re.compile(r"在哪(?!些|个|一|次|天)|哪里|地点|何处|何地"), re.compile(r"在.{2,20}(?:举办|举行|召开)|镇|村|馆|场|中心|段|区|县")),
    ("subject", re.compile(r"科目|分类|款列|类级"), re.compile(r"\d{5,7}")),
    ("duty", re.compile(r"职责|职能|主要负责"), re.compile(r"负责|承担|拟订|组织|管理|贯彻")),
    ("goal", re.compile(r"目标"), re.compile(r"目标|达到|保持|不少于|不低于|%|确保|做好|完成|实现|提升|提高|推进")),
    ("change", re.compile(r"变化|增减|有何不同|与上年比|比上年"), re.compile(r"增加|减少|增长|下降|持平|增|减")),
    ("range", re.compile(r"范围|区间|多少到多少"), re.compile(r"\d+\s*[-—~至到]\s*\d+")),
    ("order", re.compile(r"第几|排名|名次"), re.compile(r"第[一二三四五六七八九十\d]|排名|位居|居")),
)
OK_GROUPS = (("ok_who", ("org", "person")), ("ok_meeting", ("meeting",)), ("ok_why", ("reason",)),
             ("ok_list", ("problem", "measure", "duty", "goal")), ("ok_level", ("level",)),
             ("ok_document", ("document",)), ("ok_code", ("subject", "range", "order", "change")),
             ("ok_project", ("project", "place")))
LISTED = ("reason", "problem", "measure", "document", "duty", "goal")  # asks often answered by several clauses
PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?[省市区县镇]")
KINDS = ("clause", "pair", "sentence", "window", "date", "list", "anchor")  # "field" is the baseline kind
NAMES = (
    "i_ctx", "g_pass", "g_ctx", "g_doc", "a_pass", "a_left", "a_before", "a_line", "a_ctx", "a_head",
    "gap_ctx", "gap_a_ctx", "run_pass", "run_ctx", "novel", "new_log", "left_novel",
    "q_year", "year_eq", "year_ne", "year_in_doc", "year_in_sent", "place_miss", "place_miss_head",
    "type_asked", "type_ok", "type_all", "type_miss", "date_ok", "date_miss", "date_label",
    *(name for name, _ in OK_GROUPS), "list_len", "list_asked", "list_start",
    "rank", "dense", "bm25", "top_doc", *(f"k_{k}" for k in KINDS),
)


def asked_types(cues: Cues) -> list[str]:
    """The kinds of words a question asks for ("date", "meeting", …)."""
    return [name for name, ask, _ in ASK_TYPES if ask.search(cues.text)]


def has_type(name: str, text: str) -> bool:
    return any(has.search(text) for n, _, has in ASK_TYPES if n == name)


def line_of(text: str, s: int, e: int, reach: int = 300) -> str:
    """The line holding ``text[s:e]`` (a table row, a form line), at most ``reach`` characters either side."""
    a = text.rfind("\n", max(0, s - reach), s) + 1 or max(0, s - reach)
    b = text.find("\n", e, e + reach)
    return text[a:b if b >= 0 else min(len(text), e + reach)]


def run_of(grams: frozenset[str], text: str) -> int:
    """The longest stretch of ``text`` made of the question's bigrams, in characters."""
    best = cur = 0
    for i in range(len(text) - 1):
        cur = cur + 1 if text[i:i + 2] in grams else 0
        best = max(best, cur)
    return best + 1 if best else 0


def featurize(cues: Cues, cands: list[Passage]) -> None:
    """Fill ``p.features`` for every passage of one question (some features compare passages)."""
    g = question_grams(cues)
    docs = [bigrams(u) for u in {normalize(p.text) for p in cands if p.kind in ("clause", "field")}]
    weight = {x: math.log((len(docs) + 1) / (1 + sum(x in d for d in docs))) + 0.1 for x in g}

    def cover(text: str, among: frozenset[str] = g) -> float:
        have = bigrams(normalize(text))
        part = sum(weight[x] for x in among)
        return sum(weight[x] for x in among if x in have) / part if part else 0.0

    def frac(text: str) -> float:
        return len(g & bigrams(normalize(text))) / len(g) if g else 0.0

    asked = asked_types(cues)
    listed = any(t in LISTED for t in asked)
    years = [str(y) for y in cues.years]
    places = PLACE.findall(cues.terms)
    max_bm25 = max((p.bm25 for p in cands), default=0.0) or 1.0
    top_doc = cands[0].doc.id if cands else ""
    per_doc: dict[str, tuple[frozenset[str], float, float, float]] = {}
    for p in cands:
        f, text, doc = p.features, p.text, p.doc
        if doc.id not in per_doc:
            named = doc.org + doc.title + doc.head
            per_doc[doc.id] = (g - bigrams(normalize(named)), float(any(x not in doc.text for x in places)),
                               float(any(x not in named for x in places)), frac(doc.text))
        attr, f["place_miss"], f["place_miss_head"], f["g_doc"] = per_doc[doc.id]
        if p.kind == "list":  # a list is found by its first line; its other items are what it adds
            text = text[:text.find("\n") if 0 < text.find("\n") < 40 else 40]
        head = p.chunk.section + "|" + doc.org + doc.title + ("|" + p.chunk.text[:200] if p.chunk.kind == "table_row" else "")
        ctx, before = text + "|" + p.left + "|" + head, doc.text[max(0, p.start - 12):p.start]
        f["i_ctx"], f["g_pass"], f["g_ctx"] = cover(ctx), frac(text), frac(ctx)
        f["a_pass"], f["a_left"], f["a_before"] = cover(text, attr), cover(p.left, attr), cover(before, attr)
        f["a_line"] = cover(line_of(doc.text, p.start, p.start + len(text)), attr)
        f["a_ctx"], f["a_head"] = cover(text + "|" + p.left, attr), cover(p.chunk.section, attr)
        f["run_pass"] = min(1.0, run_of(g, normalize(text)) / 8)
        f["run_ctx"] = min(1.0, run_of(g, normalize(p.left + "|" + text)) / 8)
        have = bigrams(normalize(p.text))
        new = have - g
        f["novel"] = len(new) / len(have) if have else 0.0
        f["new_log"] = math.log1p(len(new))
        f["left_novel"] = max(cover(p.left), cover(before)) * f["novel"]
        f["q_year"] = float(bool(years))
        f["year_eq"] = float(bool(years) and doc.year is not None and doc.year in cues.years)
        f["year_ne"] = float(bool(years) and doc.year is not None and doc.year not in cues.years)
        f["year_in_doc"] = float(any(y in doc.text for y in years))
        f["year_in_sent"] = float(any(y in p.sentence for y in years))
        oks = [has_type(t, normalize(p.text)) for t in asked]
        f["type_asked"], f["type_ok"] = float(bool(asked)), float(any(oks))
        f["type_all"], f["type_miss"] = float(bool(oks) and all(oks)), float(bool(asked) and not any(oks))
        said = dict(zip(asked, oks, strict=True))
        for name, kinds in OK_GROUPS:
            f[name] = float(any(said.get(k, False) for k in kinds))
        date = DATE.search(p.text)
        f["date_ok"] = float("date" in asked and date is not None)
        f["date_miss"] = float("date" in asked and date is None)
        f["date_label"] = cover(doc.text[max(0, p.start + date.start() - 12):p.start + date.start()], attr) \
            if date and "date" in asked else 0.0
        f["list_len"] = math.log1p(len(p.text)) * listed
        f["list_asked"] = float(p.kind == "list" and listed)
        f["list_start"] = float(bool(LIST_START.match(text)))
        f["rank"], f["dense"], f["bm25"] = 1.0 / (1.0 + p.rank), p.dense, p.bm25 / max_bm25
        f["top_doc"] = float(doc.id == top_doc)
        for k in KINDS:
            f[f"k_{k}"] = float(p.kind == k)
    for gap, key in (("gap_ctx", "i_ctx"), ("gap_a_ctx", "a_ctx")):
        best = max((p.features[key] for p in cands), default=0.0)
        for p in cands:
            p.features[gap] = p.features[key] - best
