"""The number guard: every figure a generated answer states must be a figure of a source it cites.

A figure passes when a source the sentence cites by ``[n]`` states the same amount (after unit normalisation:
2626.63万元 = 26266300元, never 2626.63元) with the same label: among that source's figures, the one with
this value is the one whose label (its row, column, or the words before it) best fits the words before the
figure in the answer, so a value of another row of the same table does not pass. A figure may also be the
result of a sum, difference, ratio or change of two figures of the cited sources, when the sentence says it
computes. A figure that exists only elsewhere in the corpus, an uncited figure, a year no cited source has,
a number written in Chinese numerals that no cited source states, and an empty answer all fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import permutations

from app.reader.sources import Source, Stated
from app.scoring.cues import bigrams, normalize
from ingest.numbers import Quantity, decimals_of, find_quantities, round_to

REF = re.compile(r"[\[【［]\s*(?:资料|来源|编号)?\s*(\d{1,2}(?:\s*[,，、]\s*(?:资料)?\s*\d{1,2})*)\s*[\]】］]")
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
CLAUSE_END = "，,。；;！？!?\n：:、（）()"
ARABIC = re.compile(r"\d+(?:[.,]\d+)*")
CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]{2,}")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|\s*[-—~至到]\s*(?:19|20)\d{2})")
LIST_MARK = re.compile(r"(?:^|\n)\s*(\d{1,2})\s*[.、．)）]|[(（]\s*(\d{1,2})\s*[)）]|第\s*(\d{1,3})\s*[条项点个部章节]")
COMPUTES = re.compile(r"占|比例|比重|差|合计|共计|总计|之和|相加|增长|减少|下降|增加|提高|降低|上升|增幅|降幅|超出|"
                      r"高出|低于|多出|少了|多了|÷|/|=|＝|计算|约为|剩余|结余|余额")
FILLER = re.compile(r"[的了为是约达共计其中合计总计共有有以及和与、]|(?:19|20)\d{2}年度?|年度|资料|报告|显示|表明|根据")
EPS = 1e-9


@dataclass
class Said:
    """A figure in the generated answer."""

    text: str
    start: int
    end: int
    quantity: Quantity | None  # None: a number without a unit (a Chinese numeral, a bare Arabic number)
    refs: list[int]
    label: str


@dataclass
class Verdict:
    """What the guard found: ``ok`` only when every figure is supported."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    cited: list[int] = field(default_factory=list)  # source numbers the answer cites, in order of first use
    supported: list[Quantity] = field(default_factory=list)  # the answer's figures that passed, in order
    text: str = ""  # the answer without reference markers


def refs_in(text: str) -> list[tuple[int, int, list[int]]]:
    """(start, end, numbers) of every reference marker: [1], [1,2], 【2】, [资料3]."""
    return [(m.start(), m.end(), [int(n) for n in re.findall(r"\d+", m.group(1))]) for m in REF.finditer(text)]


def _sentence_refs(text: str, marks: list[tuple[int, int, list[int]]], at: int) -> list[int]:
    """The sources a position is cited by: the markers of its sentence, else the next marker in its line."""
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    s = max(x for x in starts if x <= at)
    nxt = SENTENCE_END.search(text, at)
    e = nxt.end() if nxt else len(text)
    # a marker right after the stop still belongs to the sentence it closes ("…98.15%。[1]")
    while e < len(text) and (m := REF.match(text, e)):
        e = m.end()
    refs = [n for ms, me, ns in marks if s <= ms < e for n in ns]
    if refs:
        return refs
    line_end = text.find("\n", at)
    line_end = len(text) if line_end < 0 else line_end
    later = [ns for ms, me, ns in marks if at <= ms < line_end]
    return later[0] if later else []


def _label(text: str, start: int) -> str:
    """The words before a figure in the answer, back to the previous clause stop or figure."""
    i = start
    while i > 0 and text[i - 1] not in CLAUSE_END and start - i < 30:
        i -= 1
    return text[i:start]


def _grams(label: str) -> frozenset[str]:
    return bigrams(FILLER.sub(" ", normalize(re.sub(r"[\d.%]+", " ", label))))


def fit(said_label: frozenset[str], label: str) -> float:
    """How well a source figure's label fits the words before the answer's figure (shared character pairs)."""
    if not said_label:
        return 0.0
    return len(said_label & _grams(label)) / len(said_label)


def _arabic(q: Quantity) -> bool:
    return any(ch.isdigit() for ch in q.text)


def same_amount(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities are the same amount, written alike: same normalised value and kind (a bare number
    in either compared by its value as written), both in Arabic digits or both in Chinese numerals (九十八点一五%
    is not how the report writes 98.15%), and not in opposite directions (增长 vs 下降)."""
    if a.direction and b.direction and a.direction != b.direction:
        return False
    if _arabic(a) != _arabic(b):
        return False
    if not a.unit or not b.unit:
        return abs(a.value) == abs(b.value)
    return a.kind == b.kind and a.base_unit == b.base_unit and abs(a.base_value) == abs(b.base_value)


def _computed(q: Quantity, figs: list[Stated], sentence: str, stated: list[Quantity]) -> bool:
    """Whether ``q`` is a sum, difference, ratio or change of two cited figures, worked out (the sentence
    says it computes; a result with fewer than two decimals also needs both inputs stated in the answer)."""
    if not COMPUTES.search(sentence):
        return False
    d = decimals_of(q)
    values: dict[tuple[str, Decimal], Quantity] = {}
    for f in figs:
        fq = f.quantity
        if fq.base_value != 0:
            values.setdefault((fq.kind, abs(fq.base_value)), fq)
    for (ka, a), (kb, b) in permutations(values, 2):
        qa, qb = values[(ka, a)], values[(kb, b)]
        if d < 2 and not (any(same_amount(qa, s) for s in stated) and any(same_amount(qb, s) for s in stated)):
            continue
        results: list[Decimal] = []
        if ka == kb:
            results += [a / b * 100, (a - b) / b * 100]
            if q.kind == ka:
                results += [(a + b) / q.scale, (a - b) / q.scale]
        for r in results:
            try:
                if round_to(abs(r), d) == abs(q.value):
                    return True
            except InvalidOperation:
                continue
    return False


def _bare_numbers(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Numbers the unit-aware reader leaves out: Chinese numerals without a unit, bare Arabic numbers, years."""
    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in covered)

    marks = {m.start(g) for m in LIST_MARK.finditer(text) for g in (1, 2, 3) if m.group(g)}
    out = []
    for m in ARABIC.finditer(text):
        if free(m.start(), m.end()) and m.start() not in marks:
            out.append((m.start(), m.end(), m.group()))
    for m in CHINESE_NUMBER.finditer(text):
        raw = m.group().strip("点")
        if free(m.start(), m.end()) and (len(raw) >= 2 and any(ch in raw for ch in "点十百千万亿") or len(raw) >= 3):
            out.append((m.start(), m.end(), raw))
    return out


def check(answer: str, sources: Sequence[Source], question: str = "") -> Verdict:
    """Check every figure of a generated answer against the sources it cites (numbered from 1)."""
    text = answer.strip()
    if not text:
        return Verdict(False, ["模型没有给出回答"])
    marks = refs_in(text)
    v = Verdict(True)
    for _, _, ns in marks:
        for n in ns:
            if n not in v.cited:
                v.cited.append(n)
    bad_refs = [n for n in v.cited if not 1 <= n <= len(sources)]
    if bad_refs:
        v.problems.append(f"引用了不存在的资料编号 {bad_refs}")
    plain = REF.sub(lambda m: " " * len(m.group()), text)  # same offsets, no markers
    v.text = re.sub(r"\s+(?=[。，；！？,.;!?]|$)", "", REF.sub("", text)).strip()
    asked = find_quantities(question)
    asked_years = set(YEAR.findall(question))
    stated = [q for q in find_quantities(plain) if q.note != "debris"]
    for q in stated:
        refs = [n for n in _sentence_refs(text, marks, q.start) if 1 <= n <= len(sources)]
        cited = [sources[n - 1] for n in refs]
        if any(same_amount(q, a) for a in asked):
            v.supported.append(q)
            continue
        if not refs:
            v.problems.append(f"“{q.text}”没有注明来源")
            continue
        label = _label(plain, q.start)
        grams = _grams(label) or _grams(question)
        figs = [f for s in cited for f in s.figures]
        if _supported(q, grams, figs):
            v.supported.append(q)
            continue
        sentence = _sentence_of(plain, q.start)
        if _computed(q, figs, sentence, stated):
            v.supported.append(q)
            continue
        if any(same_amount(q, f.quantity) for f in figs):
            v.problems.append(f"“{q.text}”在所引资料中说的不是“{label.strip() or question}”")
        else:
            v.problems.append(f"“{q.text}”不在所引资料{refs}中")
    covered = [(q.start, q.end) for q in stated]
    for s, _e, raw in _bare_numbers(plain, covered):
        refs = [n for n in _sentence_refs(text, marks, s) if 1 <= n <= len(sources)]
        cited = [sources[n - 1] for n in refs]
        if YEAR.match(plain, s):
            years = asked_years | {str(c.doc.year) for c in cited if c.doc.year}
            if raw in years or any(raw in c.text for c in cited):
                continue
            v.problems.append(f"年份“{raw}”不是所引资料的年份")
            continue
        if raw in question or any(raw in c.text for c in cited):
            continue  # a number as a cited source writes it ("十四五", a code, a date)
        v.problems.append(f"“{raw}”不在所引资料{refs or ''}中")
    v.ok = not v.problems
    return v


def _sentence_of(text: str, at: int) -> str:
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    s = max(x for x in starts if x <= at)
    nxt = SENTENCE_END.search(text, at)
    return text[s:nxt.end() if nxt else len(text)]


def _supported(q: Quantity, grams: frozenset[str], figs: list[Stated]) -> bool:
    """A cited figure of the same amount whose label fits at least as well as any other cited figure's."""
    same = [f for f in figs if same_amount(q, f.quantity)]
    if not same:
        return False
    best_same = max(fit(grams, f.label) for f in same)
    if not grams:
        return True
    best_any = max(fit(grams, f.label) for f in figs)
    return best_same > 0 and best_same >= best_any - EPS
