"""What a question computes: ratios, differences and sums of two figures, changes across years or periods."""

from __future__ import annotations

import re

RATIO = re.compile(r"^(?P<a>.+?)(?:在|于)?占(?P<b>.+?)(?:的)?(?:比例|比重|百分比|占比|份额|比率|多少|几成)")
RATIO_IN = re.compile(r"^(?P<a>.+?)在(?P<b>.+?)中(?:的)?(?:占比|比重|比例)")
UP, DOWN = r"调增|增加|增长|提高|提升|上升|多|高|超出|超过", r"调减|减少|下降|降低|少|低|节约|结余"
DIFF = re.compile(rf"^(?P<a>.+?)(?:相较于|相较|相比|比|较)(?P<b>.{{2,}}?)(?P<dir>{UP}|{DOWN}|相差|差)了?(?:多少|几)?")
DIFF_AMOUNT = re.compile(r"^(?P<a>.+?)(?:与|和|跟)(?P<b>.+?)(?:之间)?(?:的)?(?:差额|差值|差距|相差|差)")
MINUS = re.compile(r"^(?P<a>.+?)减去(?P<b>.{2,}?)(?:的差|后|等于|是|为)?$")
SUM = re.compile(r"^(?P<a>.+?)(?:和|与|及|加上|加|、)(?P<b>.+?)(?:的)?(?:合计|总计|之和|总和|加起来|共计|一共|总共)")
PREVIOUS = re.compile(r"(?:上|去|前一|上一)年(?:同期|度)?|同期|上期|上年度|年初")
# a change against an earlier period asked for: "较上年增长了多少", "同比下降几个百分点", "比上年提高了多少"
PERIOD = r"(?:较|比|与|和)(?:上年|去年|上一年|前一年|上年度|上年同期|去年同期|上期)(?:相比|比较)?|同比|环比"
CHANGE_VERB = r"增长|增加|下降|减少|提高|降低|上升|下滑|回落|变化|变动|增减|增幅|降幅|幅度"
CHANGE_ASK = re.compile(rf"(?:{PERIOD})(?:的)?(?:{CHANGE_VERB})?(?:了|为|是)?")
CHANGE_TAIL = re.compile(rf"(?:{CHANGE_VERB})(?:了|为|是)?$")
GROWTH = re.compile(r"增长率|增幅|增长了?百分之|增长了?多少%|变化率|降幅")
EDGE = "的是了在对有为及和与，,、 ：:；;“”\"'（）()"


def strip_edges(text: str) -> str:
    """The phrase without function words and punctuation at its ends."""
    text = text.strip(EDGE)
    while text[:1] in ("的", "是", "对", "在") and len(text) > 1:
        text = text[1:].strip(EDGE)
    return text


def computed_op(metric: str, n_years: int) -> tuple[str | None, list[str], int]:
    """Recognise a computation in the metric phrase: (op, input phrases, sign)."""
    if m := RATIO.match(metric) or RATIO_IN.match(metric):
        return "ratio", [strip_edges(m["a"]), strip_edges(m["b"])], 1
    if n_years >= 2 and GROWTH.search(metric):
        base = strip_edges(GROWTH.sub("", re.sub(r"^(?:相较于|相较|相比|比|较)", "", metric)))
        return "growth_years", [base], 1
    if m := DIFF.match(metric):
        sign = -1 if re.fullmatch(DOWN, m["dir"]) else 1
        a, b = strip_edges(m["a"]), strip_edges(m["b"])
        if a and b and not PREVIOUS.fullmatch(b):  # "较上年增长" asks for a reported change, not a difference
            return "diff", [a, b], sign
    if n_years >= 2 and (m := re.search(rf"(?:相较于|相较|相比|比|较)(?P<rest>.*?)(?P<dir>{UP}|{DOWN}|相差|差|变化)了?",
                                        metric)):
        base = strip_edges(metric[:m.start()] + m["rest"])
        return "diff_years", [base], -1 if re.fullmatch(DOWN, m["dir"]) else 1
    if m := DIFF_AMOUNT.match(metric) or MINUS.match(metric):
        return "diff", [strip_edges(m["a"]), strip_edges(m["b"])], 1
    if m := SUM.match(metric):
        return "sum", [strip_edges(m["a"]), strip_edges(m["b"])], 1
    return None, [], 1
