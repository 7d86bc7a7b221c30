"""Answers computed from cited figures: ratios, differences, sums, comparisons, target lists, rate checks."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from app.figures.match import Found, cite_all, norm
from app.routes import Route, handles
from core.answer import Answer, refusal

if TYPE_CHECKING:
    from app.figures.index import FigureIndex
    from app.question.parse import Query
    from core.records import Figure

MONEY_PART = re.compile(r"预算|支出|收入|资金|经费|金额|拨款|费|款|投资|成本")


def decimals(v: Decimal) -> int:
    exp = v.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def rounded(v: Decimal, places: int) -> Decimal:
    return v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def scale(f: Figure) -> Decimal:
    return f.base_value / f.value if f.value else Decimal(1)


def _part_hint(part: str) -> str | None:
    if re.search(r"率|比例|比重|占比", part):
        return "percent"
    return "money" if MONEY_PART.search(part) else None


def _subject(qa: FigureIndex, first: str, second: str) -> str:
    """The item the first input names and the second leaves implicit: ("课题调研全年执行数", "全年预算数") -> "课题调研"."""
    a, b = norm(first), norm(second)
    if len(b) >= 2:
        for i in range(1, len(a) - 1):
            if a[i:i + 2] == b[:2]:
                return a[:i]
    names = sorted({n for pair in qa.synonyms for n in pair}, key=len, reverse=True)
    for name in names:  # the first input ends with a known metric name: what precedes it is the item
        if a.endswith(name) and len(a) > len(name) + 1:
            return a[: -len(name)]
    return ""


def _names_no_item(qa: FigureIndex, part: str) -> bool:
    """The input is only a metric name ("年初预算", "全年预算数"), with no item or total of its own."""
    rest = norm(part)
    for name in sorted({n for pair in qa.synonyms for n in pair}, key=len, reverse=True):
        rest = rest.replace(name, "")
    return not re.sub(r"[的数额金]", "", rest)


def _find_part(qa: FigureIndex, q: Query, part: str, orgs: list[str], years: list[int]) -> Found:
    return qa.find(part, orgs, years, unit_hint=_part_hint(part), question=part)


def _missing(q: Query, part: str, found: Found, qa: FigureIndex) -> Answer:
    if found.best is not None and found.rivals:
        listed = "、".join(m.view.fig.display for m in [found.best, *found.rivals][:4])
        why = f"“{part}”在报告中对应多个不同的数字（{listed}），无法确定用哪一个"
    else:
        why = f"报告中未列示计算所需的“{part}”"
    return refusal(q.question, f"无法计算：{why}")


def _beside(first: Found, second: Found) -> Found:
    """The second input when only one of its equally good matches stands in a sentence that states the first input's
    value too (a budget item states "年初预算为…，支出决算为…" in one sentence, and the report has one per item);
    ``second`` as it is otherwise."""
    a = first.fig
    said = re.compile(rf"(?<![\d.]){re.escape(str(a.value))}(?![\d.])")
    beside = [m for m in [second.best, *second.rivals] if m is not None and m.view.fig.doc_id == a.doc_id
              and said.search(re.sub(r"(?<=\d),(?=\d{3})", "", m.view.fig.context))]
    if len({m.view.fig.base_value for m in beside}) != 1:
        return second
    return Found(best=beside[0], same=beside, ranked=second.ranked)


@handles(Route.COMPUTED)
def computed(qa: FigureIndex, q: Query) -> Answer:
    """Ratio, difference or sum of two reported figures, with the formula and both inputs cited."""
    if q.op in ("diff_years", "growth_years"):
        return _across_years(qa, q)
    founds: list[Found] = []
    for i, part in enumerate(q.parts):
        found = _find_part(qa, q, part, q.orgs, q.years)
        subject = _subject(qa, q.parts[0], part) if i and _names_no_item(qa, part) else ""
        if subject:  # "课题调研执行数比(课题调研)预算数少多少": the second input is about the same item
            own = _find_part(qa, q, subject + part, q.orgs, q.years)
            if own.best is not None and not own.rivals and own.fig.id != founds[0].fig.id:
                found = own
        if i and found.best is not None and found.rivals:
            found = _beside(founds[0], found)  # "年初预算为135.90万元，支出决算为135.25万元": the pair of one sentence
        if found.best is None or found.rivals:
            return _missing(q, part, found, qa)
        founds.append(found)
    a, b = founds[0].fig, founds[1].fig
    if a.id == b.id or (a.doc_id == b.doc_id and a.extra.get("num_start", "a") == b.extra.get("num_start", "b")):
        return refusal(q.question, f"无法计算：“{q.parts[0]}”和“{q.parts[1]}”在报告中指向同一个数字")
    if a.base_unit != b.base_unit:
        return refusal(q.question, f"无法计算：{a.display}与{b.display}单位不同")
    la, lb = qa.label(a, q.parts[0]), qa.label(b, q.parts[1])
    if q.op == "ratio":
        if b.base_value == 0:
            return refusal(q.question, f"无法计算：{lb}为0")
        value, unit = rounded(a.base_value / b.base_value * 100, 2), "%"
        formula = f"{la} ÷ {lb} = {a.display} ÷ {b.display} = {value}%"
        norm_value, norm_unit = value, "%"
    else:
        places = max(decimals(a.value), decimals(b.value))
        av, bv = a.base_value / scale(a), b.base_value / scale(a)
        value = rounded(av - bv if q.op == "diff" else av + bv, places)
        if q.op == "diff" and q.sign < 0:
            value = -value
        unit = "个百分点" if a.base_unit == "%" and q.op == "diff" else a.unit  # a difference of rates is points
        sym = "+" if q.op == "sum" else "−"
        left, right = (la, lb) if q.sign > 0 or q.op == "sum" else (lb, la)
        dl, dr = (a.display, b.display) if q.sign > 0 or q.op == "sum" else (b.display, a.display)
        formula = f"{left} {sym} {right} = {dl} {sym} {dr} = {value}{unit}"
        norm_value, norm_unit = (value * scale(a)).normalize(), "百分点" if unit == "个百分点" else a.base_unit
        if norm_value == norm_value.to_integral():
            norm_value = norm_value.quantize(Decimal(1))
    org, year = qa.scope_of(a)
    text = f"{qa.prefix(org, year)}{q.metric_text}：{formula}。"
    return Answer(question=q.question, answer=text, route=Route.COMPUTED, citations=cite_all([*founds[0].same[:1],
                  *founds[1].same[:1]]), value=value, unit=unit, normalized_value=norm_value,
                  normalized_unit=norm_unit, org=org, year=year, metric=q.metric_text, formula=formula)


def _across_years(qa: FigureIndex, q: Query) -> Answer:
    part = q.parts[0] if q.parts else q.metric_text
    years = q.years[:2]
    founds = []
    for y in years:
        found = qa.find(part, q.orgs, [y], unit_hint=_part_hint(part), question=part)
        if found.best is None or found.rivals:
            return _missing(q, f"{y}年{part}", found, qa)
        founds.append(found)
    a, b = founds[0].fig, founds[1].fig
    if a.base_unit != b.base_unit:
        return refusal(q.question, f"无法计算：{a.display}与{b.display}单位不同")
    ya, yb = years
    if q.op == "growth_years":
        if b.base_value == 0:
            return refusal(q.question, f"无法计算：{yb}年{part}为0")
        value, unit = rounded((a.base_value - b.base_value) / b.base_value * 100, 2), "%"
        formula = f"({ya}年 − {yb}年) ÷ {yb}年 = ({a.display} − {b.display}) ÷ {b.display} = {value}%"
        nv, nu = value, "%"
    else:
        places = max(decimals(a.value), decimals(b.value))
        value = rounded(a.base_value / scale(a) - b.base_value / scale(a), places) * q.sign
        unit = "个百分点" if a.base_unit == "%" else a.unit  # 98.86% − 97.18% is 1.68 points, not 1.68%
        formula = f"{ya}年 − {yb}年 = {a.display} − {b.display} = {value}{unit}"
        nv, nu = value * scale(a), "百分点" if a.base_unit == "%" else a.base_unit
    org, _ = qa.scope_of(a)
    return Answer(question=q.question, answer=f"{org or ''}{part}：{formula}。", route=Route.COMPUTED,
                  citations=cite_all([founds[0].same[0], founds[1].same[0]]), value=value, unit=unit,
                  normalized_value=nv, normalized_unit=nu, org=org, metric=part, formula=formula)


@handles(Route.COMPARISON)
def comparison(qa: FigureIndex, q: Query) -> Answer:
    """Which of several organisations / years reports the higher (or lower) value, both cited."""
    items = []
    for org, year in q.pairs:
        years = [year] if year else (qa.years_of(org) if org else [])
        if org and not year and len(years) > 1:
            return refusal(q.question, f"{org}有多个年度的报告（{'、'.join(map(str, years))}），请写明比较哪一年")
        found = qa.find(q.metric_text, [org] if org else [], years[:1], unit_hint=q.unit_hint,
                        unit_word=q.unit_word, wants_target=q.wants_target, question=q.question)
        who = f"{years[0]}年" if years else ""
        who += org or ""
        if found.best is None or found.rivals:
            return _missing(q, f"{who}{q.metric_text}", found, qa)
        if not org:  # name the report the figure comes from
            who = qa.prefix(*qa.scope_of(found.fig))
        items.append((who, found))
    figs = [f.fig for _, f in items]
    if len({f.base_unit for f in figs}) > 1:
        return refusal(q.question, "无法比较：" + "、".join(f.display for f in figs) + "单位不同")
    common = _common_scope(qa, [f for _, f in items])
    if common:  # one organisation in two years (or two in one year): name items by what tells them apart
        items = [(who.replace(common, "", 1) or who, f) for who, f in items]
    pick = min if q.compare == "lower" else max
    win_who, win = pick(items, key=lambda it: it[1].fig.base_value)
    word = "低" if q.compare == "lower" else "高"
    listing = "，".join(f"{who}为{f.fig.display}" for who, f in items)
    if len({f.base_value for f in figs}) == 1:
        verdict = "两者相同"
    else:
        verdict = f"{win_who}更{word}"
    org, year = qa.scope_of(win.fig)
    return Answer(question=q.question, answer=f"{common}{q.metric_text}：{listing}；{verdict}。", route=Route.COMPARISON,
                  citations=cite_all([f.same[0] for _, f in items]), value=win.fig.value, unit=win.fig.unit,
                  normalized_value=win.fig.base_value, normalized_unit=win.fig.base_unit, org=org, year=year,
                  metric=q.metric_text)


def _common_scope(qa: FigureIndex, founds: list[Found]) -> str:
    """The organisation (or year) every compared figure shares, when only the other one differs."""
    scopes = [qa.scope_of(f.fig) for f in founds]
    orgs, years = {o for o, _ in scopes}, {y for _, y in scopes}
    if len(orgs) == 1 and len(years) == len(scopes) and None not in orgs:
        return str(next(iter(orgs)))
    if len(years) == 1 and len(orgs) == len(scopes) and None not in years:
        return f"{next(iter(years))}年"
    return ""


def rate_from_inputs(qa: FigureIndex, q: Query) -> Answer | None:
    """A 执行率/完成率 the report does not state, computed from its 执行数 and 预算数 when both are there."""
    m = re.match(r"^(?P<stem>.*?)(?:预算)?(?:执行率|完成率)$", q.metric_text)
    if not m or q.unit_hint not in (None, "percent"):
        return None
    stem = m["stem"]
    actual = qa.find(stem + "执行数", q.orgs, q.years, unit_hint="money", question="执行数")
    budget = qa.find(stem + "全年预算数", q.orgs, q.years, unit_hint="money", question="预算数")
    if actual.best is None or budget.best is None or actual.rivals or budget.rivals:
        return None
    a, b = actual.fig, budget.fig
    if a.id == b.id or b.base_value == 0 or a.base_unit != b.base_unit or "执行" not in a.metric + a.canonical:
        return None
    value = rounded(a.base_value / b.base_value * 100, 2)
    formula = f"{qa.label(a, '执行数')} ÷ {qa.label(b, '预算数')} = {a.display} ÷ {b.display} = {value}%"
    org, year = qa.scope_of(a)
    return Answer(question=q.question, answer=f"{qa.prefix(org, year)}{q.metric_text}（按报告数字计算）：{formula}。",
                  route=Route.COMPUTED, citations=cite_all([actual.same[0], budget.same[0]]), value=value, unit="%",
                  normalized_value=value, normalized_unit="%", org=org, year=year, metric=q.metric_text,
                  formula=formula)


def rate_warnings(qa: FigureIndex, f: Figure) -> list[str]:
    """Warn when a stated execution/completion rate disagrees with the 执行数 ÷ 预算数 stated beside it."""
    if f.quantity_kind != "percent" or not re.search(r"执行率|完成率|完成预算", f.metric + f.canonical):
        return []
    home = next((v for v in qa.views if v.fig is f), None)
    if home is None:
        return []
    same_ctx = [v.fig for v in qa.views if v.fig.doc_id == f.doc_id and v.sentence == home.sentence
                and v.fig.quantity_kind == "money" and v.fig.kind != "change"]
    done = [g for g in same_ctx if re.search(r"执行数|实际支出|支出数", g.metric + g.canonical)]
    plan = [g for g in same_ctx if re.search(r"预算数|全年预算", g.metric + g.canonical)]
    if len(done) != 1 or len(plan) != 1 or plan[0].base_value == 0:
        return []
    calc = done[0].base_value / plan[0].base_value * 100
    tol = Decimal("0.5") * Decimal(10) ** -decimals(f.value) + Decimal("0.005")
    if abs(calc - f.base_value) > tol:
        return [f"报告所列{f.display}与执行数÷预算数（{done[0].display} ÷ {plan[0].display} = "
                f"{rounded(calc, 2)}%）不一致"]
    return []
