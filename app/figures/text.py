"""Look-up answers: the figure as written, its scope, and refusals for ambiguity or a figure not listed."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from app.figures.calc import rate_from_inputs, rate_warnings
from app.figures.match import Found, Match, cite_all, same_value
from app.routes import Route, handles
from core.answer import Answer, refusal
from ingest.numbers import format_value, from_value

if TYPE_CHECKING:
    from app.figures.index import FigureIndex
    from app.question.parse import Query
    from core.records import Figure
    from core.vocabulary import Qualifiers


@handles(Route.FIGURE)
def lookup(qa: FigureIndex, q: Query) -> Answer | None:
    """The reported figure the question names; a rate computed from its inputs when only those are reported;
    a refusal when the question asks a number no figure gives; None to leave it to the text."""
    if not q.metric_text:
        return None
    found = qa.find(q.metric_text, q.orgs, q.years, unit_hint=q.unit_hint, unit_word=q.unit_word,
                    wants_target=q.wants_target, question=q.question, only_changes=q.asks_change)
    if found.best is None:
        computed = rate_from_inputs(qa, q)
        if computed is not None:
            return computed
        if not (q.asks_number or q.unit_hint):
            return None  # "预算执行情况": no figure fits, perhaps the text says it in words
        return not_listed(q, found)
    return answer_found(qa, q, found)


def shown(f: Figure, bounds: Qualifiers) -> str:
    """The figure as written; a target keeps its bound ("≥90%", "不超过0.2%", "10%以内"), which is part of it."""
    if f.kind != "target" or not f.qualifier or f.qualifier in bounds.shown:
        return f.display
    if f.qualifier in bounds.after:
        return f"{f.value}{f.unit}{f.qualifier}"
    return f"{f.qualifier}{f.value}{f.unit}"


def in_asked_unit(f: Figure, unit_word: str | None, money_units: frozenset[str]) -> str:
    """"（合4035.69万元）" when the question asks in another money unit than the report writes."""
    if f.quantity_kind != "money" or unit_word not in money_units or unit_word == f.unit or f.base_unit != "元":
        return ""
    value = (f.base_value / from_value(1, unit_word).base_value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"（合{format_value(value, unit_word)}）"


def not_listed(q: Query, found: Found) -> Answer:
    """Refuse a look-up nothing answers, naming the words no figure stood near."""
    who = "、".join(f"{y}年" for y in q.years) + "、".join(q.orgs)
    miss = f"（报告中没有与“{'、'.join(found.missing)}”对应的数字）" if found.missing else ""
    return refusal(q.question, f"该指标报告中未列示：{who}{q.metric_text}{miss}".replace("：（", "（"))


def _target_beside(qa: FigureIndex, found: Found) -> Match | None:
    """The one target stated in the same sentence or table row as the best (actual) figure, in its unit.

    "全年城镇新增就业5,628人，完成年度目标任务（4,500人）": asked for the target, the actual value ranks first
    because the indicator stands next to it; the target beside it is the answer.
    """
    assert found.best is not None
    home = found.best.view
    targets = [v for v in qa.views if v.fig.kind == "target" and v.fig.doc_id == home.fig.doc_id
               and v.sentence == home.sentence and v.fig.base_unit == home.fig.base_unit]
    if not targets or any(not same_value(t.fig, targets[0].fig) for t in targets):
        return None
    return Match(targets[0], found.best.score, found.best.coverage)


def answer_found(qa: FigureIndex, q: Query, found: Found) -> Answer:
    """Answer from a look-up, or refuse when equally good figures disagree."""
    assert found.best is not None
    f = found.fig
    same_scope = [m for m in found.rivals if qa.scope_of(m.view.fig) == qa.scope_of(f)]
    if same_scope or (found.rivals and q.orgs and q.years):
        options = [found.best, *(same_scope or found.rivals)]
        listed = "；".join(f"{qa.where(m.view.fig)}“{m.view.fig.evidence}”" for m in options[:4])
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
            listed = "；".join(f"{qa.where(m.view.fig)}“{m.view.fig.evidence}”" for m in [found.best, *differing][:4])
            what = "单位和年度" if not q.orgs and not q.years else ("单位" if not q.orgs else "年度")
            return refusal(q.question, f"多份报告都有这个数字且数值不同：{listed}。请写明{what}",
                           citations=cite_all([found.best, *differing]))
    strict_target = bool(qa.words.only_target.search(q.question))
    if strict_target and f.kind != "target" and (planned := _target_beside(qa, found)) is not None:
        found = Found(planned, [planned], [], ranked=found.ranked)
        f = found.fig
    if strict_target and f.kind != "target":
        return refusal(q.question, f"报告中未列示{q.metric_text}的目标值（只列示了实际值{f.display}）",
                       citations=cite_all(found.same))
    if qa.words.only_actual.search(q.question) and not strict_target and f.kind == "target":
        return refusal(q.question, f"报告中未列示{q.metric_text}的实际完成值（只列示了目标值{f.display}）",
                       citations=cite_all(found.same))
    org, year = qa.scope_of(f)
    label = qa.label(f, q.metric_text)
    target = "的目标值" if f.kind == "target" and q.wants_target and not re.search(r"满分|分值|权重|目标|计划|预期|值$", label) else ""
    shown_as = shown(f, qa.vocabulary.qualifiers) + in_asked_unit(f, q.unit_word, qa.words.money_units)
    text = f"{qa.prefix(org, year)}{label}{target}为{shown_as}。"
    if f.kind == "change" or f.extra.get("direction"):
        up = f.value >= 0
        word = ("增长" if up else "下降") if f.quantity_kind == "percent" else ("增加" if up else "减少")
        since = s.group() if (s := qa.words.since.search(f.evidence)) else ""
        text = f"{qa.prefix(org, year)}{label}{since}{word}{abs(f.value)}{f.unit}。"
    if len(cite_all(found.same)) > 1:
        text += "（报告中多处列示此数，均已引用）"
    return Answer(question=q.question, answer=text, route=Route.FIGURE, citations=cite_all(found.same),
                  value=f.value, unit=f.unit, normalized_value=f.base_value, normalized_unit=f.base_unit,
                  org=org, year=year, metric=label, warnings=rate_warnings(qa, f))
