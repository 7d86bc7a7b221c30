"""The patterns question understanding matches, built from the vocabulary's word lists (once per loaded vocabulary)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core.vocabulary import Vocabulary, alternation, load_vocabulary

COMPARED_TO = r"相较于|相较|相比|比|较"  # "A比B多多少", "A相较B减少了"


@dataclass(frozen=True)
class QuestionWords:
    """Compiled patterns of one vocabulary; see ``question_words``."""

    vocabulary: Vocabulary
    ask_unit: re.Pattern[str]  # 多少宗 -> 宗
    counted: re.Pattern[str]  # 参与人数 -> 人
    ask: re.Pattern[str]
    ask_number: re.Pattern[str]
    value_words: re.Pattern[str]
    wants_target: re.Pattern[str]
    wants_actual: re.Pattern[str]
    compare: re.Pattern[str]
    compare_words: re.Pattern[str]
    compare_years: re.Pattern[str]
    compare_tail: re.Pattern[str]
    lower: re.Pattern[str]
    listing: re.Pattern[str]
    threshold: re.Pattern[str]
    below: frozenset[str]
    missed: re.Pattern[str]
    percent: re.Pattern[str]
    score: re.Pattern[str]
    money: re.Pattern[str]
    count: re.Pattern[str]
    numeric: re.Pattern[str]
    text: re.Pattern[str]
    text_weak: re.Pattern[str]
    in_percent: re.Pattern[str]  # a percentage change asked for: 百分之, 增幅, 增长率 ...
    in_percent_or_points: re.Pattern[str]
    followup_lead: re.Pattern[str]
    followup_tail: re.Pattern[str]
    followup_end: re.Pattern[str]
    # what a question computes (app.question.ops)
    up: str
    down: str
    diff: re.Pattern[str]
    diff_years: re.Pattern[str]
    previous: re.Pattern[str]
    change_ask: re.Pattern[str]
    change_tail: re.Pattern[str]
    growth: re.Pattern[str]


def _any(*lists: Iterable[str]) -> re.Pattern[str]:
    return re.compile(alternation(*lists))


@lru_cache(maxsize=8)
def question_words(vocabulary: Vocabulary | None = None) -> QuestionWords:
    """The question patterns of ``vocabulary`` (default: the packaged vocabulary)."""
    v = vocabulary or load_vocabulary()
    qw, ch, un = v.questions, v.changes, v.units
    magnitudes = alternation(m for m, _ in un.magnitudes)
    money_units = [m + u for u, (base, kind) in un.measures.items() if kind == "money" and base == "元"
                   for m in ("", *(m for m, _ in un.magnitudes))]
    points = [u for u, (_, kind) in un.measures.items() if kind == "points"]
    hi_lo = alternation(qw.higher, qw.lower)
    degree = alternation(qw.degree)
    up = alternation(ch.adjusted_up, ch.up, qw.more)
    down = alternation(ch.adjusted_down, ch.down, qw.less)
    verbs = alternation(ch.verbs)
    period = rf"(?:较|比|与|和)(?:{alternation(ch.earlier)})(?:相比|比较)?|{alternation(ch.since)}"
    return QuestionWords(
        vocabulary=v,
        ask_unit=re.compile(rf"(?:多少|几)((?:{magnitudes})?(?:{alternation(un.asked)}))?"),
        counted=re.compile(rf"({alternation(un.counted)})(?:数|数量)(?:是|为|有)?(?:多少|几)?[？?]?$"),
        ask=re.compile(rf"{alternation(qw.ask)}|[{re.escape(qw.ask_marks)}]"),
        ask_number=_any(qw.number),
        value_words=re.compile(rf"的?(?:{alternation(qw.value_words)})"),
        wants_target=_any(qw.target),
        wants_actual=re.compile(rf"(?<!预期)(?:{alternation(qw.actual)})"),
        compare=_any(qw.compare),
        compare_words=re.compile(rf"{alternation(qw.compare, qw.compare_between)}|(?:{degree})(?:{hi_lo})"
                                 rf"|(?:{hi_lo})一些"),
        compare_years=_any(qw.compare_years),
        compare_tail=re.compile(rf"(?:{degree})?(?:{hi_lo})\s*$"),
        lower=re.compile(rf"(?:{degree})(?:{alternation(qw.lower)})"
                         rf"|(?:谁|哪)[^，,。？?]{{0,12}}?(?:{alternation(qw.lower)})(?:一些|一点)?[？?]?\s*$"),
        listing=_any(qw.listing),
        threshold=re.compile(rf"({alternation(qw.below, qw.above)})\s*(\d+(?:\.\d+)?)\s*(%|{alternation(money_units)})?"),
        below=frozenset(qw.below),
        missed=_any(qw.missed),
        percent=_any(qw.percent),
        score=_any(qw.score),
        money=_any(qw.money),
        count=_any(qw.count),
        numeric=re.compile(rf"{alternation(qw.numeric)}|(?:{alternation(qw.numeric_endings)})$"),
        text=_any(qw.text),
        text_weak=re.compile(rf"{alternation(qw.text_weak)}|(?:{alternation(qw.text_weak_endings)})$"),
        in_percent=_any(qw.in_percent, ch.rates),
        in_percent_or_points=_any(qw.in_percent, points),
        followup_lead=re.compile(rf"^(?:{alternation(qw.followup_lead)})"),
        followup_tail=_any(qw.followup_tail),
        followup_end=re.compile(rf"(?:{alternation(qw.followup_end)})[？?]?$"),
        up=up,
        down=down,
        diff=re.compile(rf"^(?P<a>.+?)(?:{COMPARED_TO})(?P<b>.{{2,}}?)(?P<dir>{up}|{down}|相差|差)了?(?:多少|几)?"),
        diff_years=re.compile(rf"(?:{COMPARED_TO})(?P<rest>.*?)(?P<dir>{up}|{down}|相差|差|变化)了?"),
        previous=re.compile(alternation(ch.earlier, ch.start)),
        change_ask=re.compile(rf"(?:{period})(?:的)?(?:{verbs})?(?:了|为|是)?"),
        change_tail=re.compile(rf"(?:{verbs})(?:了|为|是)?$"),
        growth=re.compile(rf"{alternation(ch.rates)}|增长了?百分之|增长了?多少%"),
    )
