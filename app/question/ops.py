"""What a question computes: ratios, differences and sums of two figures, changes across years or periods."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.question.words import COMPARED_TO

if TYPE_CHECKING:
    from app.question.words import QuestionWords

RATIO = re.compile(r"^(?P<a>.+?)(?:在|于)?占(?P<b>.+?)(?:的)?(?:比例|比重|百分比|占比|份额|比率|多少|几成)")
RATIO_IN = re.compile(r"^(?P<a>.+?)在(?P<b>.+?)中(?:的)?(?:占比|比重|比例)")
DIFF_AMOUNT = re.compile(r"^(?P<a>.+?)(?:与|和|跟)(?P<b>.+?)(?:之间)?(?:的)?(?:差额|差值|差距|相差|差)")
MINUS = re.compile(r"^(?P<a>.+?)减去(?P<b>.{2,}?)(?:的差|后|等于|是|为)?$")
SUM = re.compile(r"^(?P<a>.+?)(?:和|与|及|加上|加|、)(?P<b>.+?)(?:的)?(?:合计|总计|之和|总和|加起来|共计|一共|总共)")
EDGE = "的是了在对有为及和与，,、 ：:；;“”\"'（）()"


def strip_edges(text: str) -> str:
    """The phrase without function words and punctuation at its ends."""
    text = text.strip(EDGE)
    while text[:1] in ("的", "是", "对", "在") and len(text) > 1:
        text = text[1:].strip(EDGE)
    return text


def computed_op(metric: str, n_years: int, words: QuestionWords) -> tuple[str | None, list[str], int]:
    """Recognise a computation in the metric phrase: (op, input phrases, sign)."""
    if m := RATIO.match(metric) or RATIO_IN.match(metric):
        return "ratio", [strip_edges(m["a"]), strip_edges(m["b"])], 1
    if n_years >= 2 and words.growth.search(metric):
        base = strip_edges(words.growth.sub("", re.sub(rf"^(?:{COMPARED_TO})", "", metric)))
        return "growth_years", [base], 1
    if m := words.diff.match(metric):
        sign = -1 if re.fullmatch(words.down, m["dir"]) else 1
        a, b = strip_edges(m["a"]), strip_edges(m["b"])
        if a and b and not words.previous.fullmatch(b):  # "较上年增长" asks for a reported change, not a difference
            return "diff", [a, b], sign
    if n_years >= 2 and (m := words.diff_years.search(metric)):
        base = strip_edges(metric[:m.start()] + m["rest"])
        return "diff_years", [base], -1 if re.fullmatch(words.down, m["dir"]) else 1
    if m := DIFF_AMOUNT.match(metric) or MINUS.match(metric):
        return "diff", [strip_edges(m["a"]), strip_edges(m["b"])], 1
    if m := SUM.match(metric):
        return "sum", [strip_edges(m["a"]), strip_edges(m["b"])], 1
    return None, [], 1
