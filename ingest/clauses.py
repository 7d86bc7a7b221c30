"""Report prose cut into sentences and clauses, and the metric phrase that goes with each number."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.numbers import Quantity, find_quantities, from_value
from ingest.units import simplified

SENTENCE_END = re.compile(r"[。！？；;!?\n]")
SHORT_SENTENCE = 30  # a sentence this short is the evidence as a whole
MAX_METRIC = 24
MAX_PRE = 80  # the words read before (and after) a number, at most: one long clause must not cost quadratic time
# the evidence of a number reaches at most this far on each side (its clause, or a window of a clause that never
# ends: one long line of numbers must not give every number the whole line; real reports stay under 160)
MAX_EVIDENCE = 200
_TRIM = " \t\u3000，,。；;：:、"

_DATE = r"\d{4}\s*年(?:度)?(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*月(?:份|底|初|末)?"
_LEAD = re.compile(
    rf"^(?:\s|[，,、：:；=≥≤<>＜＞]|[-*•·▪■◆●]|截至|截止|(?:{_DATE})(?:以来|起|前|后|期间|内|中|底)?|[一二三四五六七八九十]+是|\d{{1,2}}\s*[.、．]"
    r"|[（(][一二三四五六七八九十\d]+[)）]|其中|共计|合计|累计|总计|共|目前|今年|同时|此外|另外|先后|分别|并且|并|还|又"
    r"|已经|已|均|以及|及|和|于|在|对|将|向|给|把|[（(]|包含|包括)+"
)
_TRAIL = re.compile(
    r"(?:\s|[，,：:、（(=≥≤<>＜＞]|(?<=.)(?:完成|实现)|分别为|分别是|分别达|分别|(?<![作行认成])为|是|达到了|达到|达|共计|合计|累计|总计|共有|(?<!公)共|约为|约"
    r"|将近|近|逾|超过|(?<![所拥没具])有|了|的|高达|仅为|仅|只有|已达|已|在|于|至|到|年内|年度内|全年|当年|今年)+$"
)
_BEFORE = re.compile(r"(?:由|从)\s*$")
_AFTER = re.compile(r"(?:缩短|减少|降低|下降|提高|提升|增加|增长|上升|压缩|扩大|调整|降|增|减|达)(?:为|到|至)\s*$")
_COMPARE = re.compile(
    r"(?:同比|环比|较上年同期|较上年|比上年同期|比上年|较去年同期|较去年|比去年|较\d{4}年|与上年相比|较年初|较上期)"
    r"\s*(?:增加|增长|上升|提高|提升|减少|下降|降低|下滑|增幅|降幅|增速|增长率|下降率)?(?:了|为|达)?\s*$"
)
_MONEY_CHANGE = re.compile(r"(?:增收|减收|增支|减支|超收|短收|多收|少收)\s*$")  # "比2021年减收34,086万元"
_SHARE = re.compile(r"^占")  # "民生支出…,占总支出84.24%": the share of the subject before it
_TOTAL = re.compile(r"[\u4e00-\u9fff]{2,4}(?:总计|合计)")  # "收入总计": the total is the name, not a connector
_CHANGE_WORD = re.compile(r"(?:增幅|降幅|增速|增长率|下降率|增长|下降|增加|减少|上升|降低)(?:了|为|达)?\s*$")
_TARGET = re.compile(r"计划(?!内)|目标|预期|预计|力争|(?<!模)拟(?!定)|年初设定")
_MAX_SCORE = re.compile(r"(?:满分|分值|权重|总分值)$")
_TARGET_LABEL = re.compile(r"(?:目标|任务|计划|预期)[^，,。；;]{0,4}[（(]$")
_DONE_LEAD = re.compile(r"^(?:完成|实现|达到|达成)")
_DONE = re.compile(r"完成|实现|达成|执行|实际|按|依据|根据|依照")  # "按计划开展检查120次" is a result
_ACTION = re.compile(
    r"(?:办理|核发|检查|投放|开展|发布|提供|召开|排查|落实|收到|组织|审查|参与|出动|查处|约谈|完成|举办|建设|培训|印制|"
    r"登载|刊载|调查|整改|推动|成立|督导|维护|播发|支援|处理|录制|增配|签订|投入|实施|聘请|配备|购置|采购|新增|建成|设立|"
    r"设置|安排|制定|出台|修订|编制|发放|下达|拨付|资助|补助|救助|接待|受理|办结|招聘|引进|举行|开设|检查了|走访|慰问|"
    r"帮扶|服务|覆盖|培育|认定|评选|表彰|处罚|关闭|取缔|移送|惩戒|发现|指出|分解|发出|上报|编印|建立|新建|改造|更新|"
    r"购买|委托|抽查|督查|巡查|对|向|给|把|和|及|与|涉及|包括|包含|有)$"
)
_GENERIC = re.compile(
    r"^(?:全年预算数|年初预算数|预算数|执行数|执行率|完成率|金额|数量|完成预算|支出|得分|总额|完成值|实际完成值|满分|分值|权重)$")
_GENERIC_END = re.compile(r"(?:全年预算数|年初预算数|预算数|执行数|执行率|完成率|金额|数量|预算|支出|得分|总额)$")
_UNIT_NOUN = {"人": "人数", "人次": "人次", "家": "家数", "家次": "家次", "次": "次数", "元": "金额", "%": "比例",
              "个": "个数", "项": "项数", "宗": "宗数", "条": "条数", "份": "份数", "支": "支数"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_QUOTES = re.compile(r"[“”\"‘’'《》「」『』【】]")
_PAREN = re.compile(r"[（(][^（()）]*[)）]")
_BRACKET_UNIT = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(万元|元|亿元|千元|%|个|人|人次|家|次|天|项)\s*[)）]")


@dataclass(frozen=True)
class Found:
    """A number found in prose, with offsets into the full text."""

    q: Quantity
    metric: str
    kind: str  # actual | target | change
    ev_start: int
    ev_end: int
    sentence: str
    role: str = ""  # "before" (由 8 个工作日…) | "after" (…缩短为 1 个工作日) | ""
    year: int | None = None  # a year the clause names before the number ("2021年支出…"), if any


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end], split at 。！？；and newlines, trimmed."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in SENTENCE_END.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [s for s in (_trim(text, a, b) for a, b in out) if s[1] > s[0]]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return a, b


def _clauses(sent: str, qs: list[Quantity]) -> list[tuple[int, int]]:
    """Clause spans in a sentence: split at ，：, always; at 、 and 和/及/与 only right after a number.

    One pass over the sentence with a pointer into the (ordered) numbers: linear in the sentence length.
    """
    inside = bytearray(len(sent) + 1)
    for q in qs:
        inside[q.start:q.end] = b"\x01" * (q.end - q.start)
    ends = sorted(q.outer_end for q in qs)
    starts = {q.outer_start for q in qs}
    bounds: list[tuple[int, int]] = []
    last = 0
    k = 0  # ends[:k] are <= i
    for i, ch in enumerate(sent):
        while k < len(ends) and ends[k] <= i:
            k += 1
        if inside[i] or ch not in "，,：:、和及与":
            continue
        latest = ends[k - 1] if k else -1  # the last number that ended at or before i
        seg_has_q = latest > last
        right_after = seg_has_q and not sent[latest:i].strip()
        before_q = i + 1 in starts or i + 2 in starts
        cut = ch in "，,：:" or (ch == "、" and seg_has_q) or (ch in "和及与" and (right_after or seg_has_q and before_q))
        if cut:
            bounds.append((last, i))
            last = i + 1
    bounds.append((last, len(sent)))
    return [(a, b) for a, b in bounds if b > a]


_SCOPE = re.compile(r"(?:全区|全市|全省|全县|全镇|全局|各)$")


def _clean_metric(s: str) -> str:
    s = _PAREN.sub("", _QUOTES.sub("", s))
    s = re.sub(r"分别(?:为|是)?", "", s)
    if _TOTAL.fullmatch(s.strip(_TRIM)):
        return s.strip(_TRIM)
    prev = None
    while prev != s:
        prev = s
        s = _LEAD.sub("", s)
        s = _TRAIL.sub("", s)
        if _SCOPE.sub("", s):
            s = _SCOPE.sub("", s)
    return _cap(s.strip(_TRIM))


def _cap(s: str) -> str:
    """At most MAX_METRIC characters from the end, starting after a list comma when cut."""
    if len(s) <= MAX_METRIC:
        return s
    tail = s[-MAX_METRIC:]
    cut = max(tail.find("、"), tail.find("，"), tail.find(","))
    if 0 <= cut < len(tail) - 4:
        return tail[cut + 1:]
    if s[-MAX_METRIC - 1].isdigit() and tail[0].isdigit():  # do not start inside a number: "023年自治区…"
        tail = re.sub(r"^[\d.]+(?:年度?|月)?", "", tail)
    return tail


def _post_phrase(s: str) -> str:
    s = _QUOTES.sub("", s).lstrip("的 ")
    s = re.split(r"[（(，,。；;、]", s, maxsplit=1)[0]
    return s[:14] if re.match(r"[\u4e00-\u9fff]", s) else ""


def figures_in_span(text: str, start: int, end: int) -> list[Found]:
    """Every number with a unit in text[start:end] (prose), with its metric, kind and evidence span."""
    out: list[Found] = []
    for s0, s1 in sentences(text, start, end):
        out += _in_sentence(text, s0, s1)
    return out


def _open_quotes(sent: str, qs: list[Quantity]) -> list[bool]:
    """For each number: whether it stands inside “…” or 《…》 (a name, not a figure). Linear."""
    out, depth, pos = [], 0, 0
    for q in qs:
        seg = sent[pos:q.start]
        depth += seg.count("“") - seg.count("”") + seg.count("《") - seg.count("》") if seg else 0
        out.append(depth > 0)
        pos = q.start
    return out


def _hinted(sent: str, qs: list[Quantity]) -> list[Quantity]:
    """Bare numbers after a unit in brackets take that unit: "计划投资额(万元)515", "资金情况(万元)资金总额35其中:财政拨款35".

    The unit holds up to the next clause mark or the next number that states its own unit.
    """
    out, unit, pos = [], "", 0
    for q in qs:
        gap = sent[pos:q.outer_start]
        if re.search(r"[，,；;。]", gap):
            unit = ""
        hints = list(_BRACKET_UNIT.finditer(gap))
        if hints and len(gap) - hints[-1].end() <= 8:  # the label after "(万元)" is a few words at most
            unit = hints[-1].group(1)
        if q.unit:
            unit = ""
        elif unit and not q.note and not (q.value == q.value.to_integral() and 1900 <= q.value <= 2100):
            g = from_value(q.value, unit)
            q = replace(q, unit=unit, base_value=g.base_value, base_unit=g.base_unit, kind=g.kind)
        out.append(q)
        pos = q.outer_end
    return out


def _in_sentence(text: str, s0: int, s1: int) -> list[Found]:
    original = text[s0:s1]
    sent = simplified(original)  # 增長, 較上年, 為 read as 增长, 较上年, 为: the metric comes out simplified too
    qs = _hinted(sent, find_quantities(sent))
    quoted = _open_quotes(sent, qs)
    usable = [bool(q.unit) and not q.note and not quoted[i] for i, q in enumerate(qs)]
    if not any(usable):
        return []
    clauses = _clauses(sent, qs)
    short = len(sent) <= SHORT_SENTENCE
    out: list[Found] = []
    prev_clause_has_q = False
    prev_clause: tuple[int, int] | None = None
    k = 0
    for c0, c1 in clauses:
        while k < len(qs) and qs[k].start < c0:
            k += 1
        first = k
        while k < len(qs) and qs[k].start < c1:
            k += 1
        seg = c0
        for j in range(first, k):
            q = qs[j]
            pre = sent[max(seg, q.outer_start - MAX_PRE):q.outer_start]
            nxt = qs[j + 1].outer_start if j + 1 < k else c1
            post = sent[q.outer_end:min(nxt, q.outer_end + MAX_PRE)]
            seg = q.outer_end
            if not usable[j]:
                continue
            f = _one(sent, q, pre, post, out, prev_clause if not prev_clause_has_q else None, (c0, c1), short)
            out.append(f)
        prev_clause_has_q = k > first
        prev_clause = (c0, c1)
    return [replace(f, q=_shift(f.q, s0), ev_start=f.ev_start + s0, ev_end=f.ev_end + s0, sentence=original)
            for f in out]


def _one(sent: str, q: Quantity, pre: str, post: str, done: list[Found], label: tuple[int, int] | None,
         clause: tuple[int, int], short: bool) -> Found:
    kind, role = "actual", ""
    opened = _bracket_start(sent, q.outer_start - len(pre), q.outer_start) if re.search(r"[)）]", pre) else None
    if opened is not None:  # "收入(含…,下同)40.5亿元", "完成年度目标任务（4,500人）的125.07%": the label is before "("
        pre = sent[opened:q.outer_start]
        clause = (min(clause[0], opened), clause[1])
    raw = pre.rstrip()
    bracketed = raw.endswith(("（", "(")) and post.lstrip().startswith(("）", ")"))
    if _BEFORE.search(raw):
        role, raw = "before", _BEFORE.sub("", raw)
    elif _AFTER.search(raw):
        role, raw = "after", _AFTER.sub("", raw)
    said = _clean_metric(raw)  # the words as written, change words and all
    if q.kind == "money" and _MONEY_CHANGE.search(raw):
        kind = "change"  # "同比增收19,369万元": the words name the change and stay in the metric
    elif q.direction or _COMPARE.search(raw) or (q.kind in ("percent", "points") and _CHANGE_WORD.search(raw)):
        kind = "change"
        raw = _COMPARE.sub("", raw)
        raw = _CHANGE_WORD.sub("", raw)
    elif _TARGET.search(raw) and (not _DONE.search(raw) or bracketed and _TARGET_LABEL.search(raw)):
        kind = "target"  # "完成年度目标任务（4,500人）": the number in brackets is the target itself
    metric = _clean_metric(raw)
    if kind == "actual" and q.kind == "score" and _MAX_SCORE.search(metric):
        kind = "target"  # "（满分15分）", "分值20分": the most a score can be, not a score obtained
    if bracketed and kind == "target":
        metric = _DONE_LEAD.sub("", metric) or metric
    use_post = not metric or len(metric) <= 2 or raw.endswith("了") or bool(_ACTION.search(_TRAIL.sub("", raw)))
    tail = _post_phrase(post) if use_post and role != "before" else ""
    ev0, ev1 = clause
    prev = next((f for f in reversed(done) if f.sentence == sent), None)
    prev_here = prev if prev is not None and clause[0] <= prev.q.start < clause[1] else None
    if metric or (tail and label is None and prev_here is None) or len(tail) >= 4:
        metric = _cap(metric + tail)
    elif prev_here is None and label is not None:
        metric = _cap(_clean_metric(sent[max(label[0], label[1] - MAX_PRE):label[1]]) + tail)
        ev0 = label[0]
    elif prev is not None:
        counts = prev.q.kind == q.kind == "count" and prev.q.base_unit != q.base_unit
        metric = prev.metric + _UNIT_NOUN.get(q.base_unit, q.base_unit) if counts and kind == "actual" else prev.metric
        if kind == "actual" and prev.kind in ("change", "target"):
            kind = prev.kind
        ev0 = min(ev0, prev.ev_start)
    if kind == "change" and not metric:
        metric = said  # "较上年增加0.61万元": nothing but the change words names it
    if _SHARE.match(metric) and prev is not None and prev.q.kind != "percent" and prev.metric:
        metric = _cap(prev.metric + metric)
    if _GENERIC.match(metric) and prev is not None:
        subject = _GENERIC_END.sub("", prev.metric)
        if subject and subject != prev.metric:
            metric = subject + metric
            ev0 = min(ev0, prev.ev_start)
    if kind == "actual" and q.kind == "money" and re.search(r"预算(?:数|金额)?$", metric):
        kind = "budget"
    if short:
        ev0, ev1 = 0, len(sent)
    ev0, ev1 = _trim(sent, ev0, ev1)
    ev0, ev1 = min(ev0, q.outer_start), max(ev1, q.outer_end)
    if ev0 < q.outer_start - MAX_EVIDENCE or ev1 > q.outer_end + MAX_EVIDENCE:  # a clause without end: a window
        ev0, ev1 = _trim(sent, max(ev0, q.outer_start - MAX_EVIDENCE), min(ev1, q.outer_end + MAX_EVIDENCE))
        ev0, ev1 = min(ev0, q.outer_start), max(ev1, q.outer_end)
    years = _YEAR.findall(sent[max(clause[0], q.outer_start - MAX_PRE):q.outer_start])
    return Found(q, metric, kind, ev0, ev1, sent, role, int(years[-1]) if years else None)


def _bracket_start(sent: str, seg: int, at: int) -> int | None:
    """Where the label of the number at ``at`` starts when a bracket opened before ``seg`` (the end of the number
    before it) closes right before it: after the clause mark before the "(" (the bracket may hold clause commas:
    "收入(含…,下同)40.5亿元", "完成年度目标任务（4,500人）的125.07%"). None when no such bracket."""
    depth, i, lo = 0, at - 1, max(0, at - MAX_PRE)
    while i >= lo:
        if sent[i] in ")）":
            depth += 1
        elif sent[i] in "(（":
            if depth == 0:
                return None
            depth -= 1
            if depth == 0:
                break
        i -= 1
    if i < lo or i >= seg:
        return None
    j = i - 1
    while j >= lo and sent[j] not in "，,；;：:。":
        j -= 1
    return j + 1


def _shift(q: Quantity, by: int) -> Quantity:
    return replace(q, start=q.start + by, end=q.end + by, outer_start=q.outer_start + by, outer_end=q.outer_end + by)
