"""How look-up answers are worded: the figure as written, its scope, and refusals for ambiguity."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.answer import Answer, refusal
from app.figmatch import Found, Match, cite_all, same_value

if TYPE_CHECKING:
    from app.figqa import FigureQA
    from app.question import Query

STRICT_TARGET = re.compile(r"目标值|预期值|指标值|计划值|预期实现值|预期目标|目标是多少|的目标[？?]?$|目标[是为]?多少")
STRICT_ACTUAL = re.compile(r"完成值|实际完成|实际值|(?<!预期)实现值")
SINCE = re.compile(r"同比|环比|较上年同期|较上年|比上年|较去年|比去年|较年初")


def not_listed(q: Query, found: Found) -> Answer:
    """Refuse a look-up nothing answers, naming the words no figure stood near."""
    who = "、".join(f"{y}年" for y in q.years) + "、".join(q.orgs)
    miss = f"（报告中没有与“{'、'.join(found.missing)}”对应的数字）" if found.missing else ""
    return refusal(q.question, f"该指标报告中未列示：{who}{q.metric_text}{miss}".replace("：（", "（"))


def answer_found(qa: FigureQA, q: Query, found: Found) -> Answer:
    """Answer from a look-up, or refuse when equally good figures disagree."""
    assert found.best is not None
    f = found.fig
    same_scope = [m for m in found.rivals if qa.scope_of(m.view.fig) == qa.scope_of(f)]
    if same_scope or (found.rivals and q.orgs and q.years):
        options = [found.best, *(same_scope or found.rivals)]
        listed = "；".join(f"{qa._where(m.view.fig)}“{m.view.fig.evidence}”" for m in options[:4])
        return refusal(q.question, f"报告中有几个同样符合的数字，无法确定问的是哪一个：{listed}。请把问题说得更具体",
                       citations=cite_all(options))
    if not q.orgs or not q.years:  # the question leaves the organisation or the year open
        best_scope = qa.scope_of(f)
        others: dict[tuple[str | None, int | None], Match] = {}
        for m in found.ranked:  # the best of every other report that states the metric about as well
            sc = qa.scope_of(m.view.fig)
            if sc != best_scope and sc not in others and m.score >= 0.75 * found.best.score:
                others[sc] = m
        differing = [m for m in others.values() if not same_value(m.view.fig, f)]
        if differing:
            listed = "；".join(f"{qa._where(m.view.fig)}“{m.view.fig.evidence}”" for m in [found.best, *differing][:4])
            what = "单位和年度" if not q.orgs and not q.years else ("单位" if not q.orgs else "年度")
            return refusal(q.question, f"多份报告都有这个数字且数值不同：{listed}。请写明{what}",
                           citations=cite_all([found.best, *differing]))
    strict_target = bool(STRICT_TARGET.search(q.question))
    if strict_target and f.kind != "target":
        return refusal(q.question, f"报告中未列示{q.metric_text}的目标值（只列示了实际值{f.display}）",
                       citations=cite_all(found.same))
    if STRICT_ACTUAL.search(q.question) and not strict_target and f.kind == "target":
        return refusal(q.question, f"报告中未列示{q.metric_text}的实际完成值（只列示了目标值{f.display}）",
                       citations=cite_all(found.same))
    org, year = qa.scope_of(f)
    label = qa.label(f, q.metric_text)
    target = "的目标值" if f.kind == "target" and q.wants_target else ""
    text = f"{qa._prefix(org, year)}{label}{target}为{f.display}。"
    if f.kind == "change" or f.extra.get("direction"):
        up = f.value >= 0
        word = ("增长" if up else "下降") if f.quantity_kind == "percent" else ("增加" if up else "减少")
        since = s.group() if (s := re.search(r"同比|环比|较上年同期|较上年|比上年|较去年|比去年|较年初", f.evidence)) else ""
        text = f"{qa._prefix(org, year)}{label}{since}{word}{abs(f.value)}{f.unit}。"
    if len(cite_all(found.same)) > 1:
        text += "（报告中多处列示此数，均已引用）"
    from app import figcalc

    ans = Answer(question=q.question, answer=text, route="figure", citations=cite_all(found.same),
                 value=f.value, unit=f.unit, normalized_value=f.base_value, normalized_unit=f.base_unit,
                 org=org, year=year, metric=label, warnings=figcalc.rate_warnings(qa, f))
    return ans
