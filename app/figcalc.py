"""Answers computed from cited figures: ratios, differences, sums, comparisons, target lists, rate checks."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from app.answer import Answer, refusal
from app.figmatch import citation, cite_all, norm, terms_of

if TYPE_CHECKING:
    from app.figmatch import Found
    from app.figqa import FigureQA
    from app.question import Query
    from ingest.model import Figure

MONEY_PART = re.compile(r"预算|支出|收入|资金|经费|金额|拨款|费|款|投资|成本")
LOWER_BETTER = re.compile(r"时限|时间|时长|天数|用时|发生率|事故|投诉|差错|超时|伤亡|损失|欠款|逾期")
AT_LEAST = ("不少于", "不低于", "达到", "超过", "以上", "逾", "≥", ">", "大于", "高于", "大于等于")
AT_MOST = ("不超过", "不高于", "以内", "以下", "之内", "低于", "≤", "<", "小于", "小于等于", "内")


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


def _subject(qa: FigureQA, first: str, second: str) -> str:
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


def _find_part(qa: FigureQA, q: Query, part: str, orgs: list[str], years: list[int]) -> Found:
    return qa.find(part, orgs, years, unit_hint=_part_hint(part), question=part)


def _missing(q: Query, part: str, found: Found, qa: FigureQA) -> Answer:
    if found.best is not None and found.rivals:
        listed = "、".join(m.view.fig.display for m in [found.best, *found.rivals][:4])
        why = f"“{part}”在报告中对应多个不同的数字（{listed}），无法确定用哪一个"
    else:
        why = f"报告中未列示计算所需的“{part}”"
    return refusal(q.question, f"无法计算：{why}")


def computed(qa: FigureQA, q: Query) -> Answer:
    """Ratio, difference or sum of two reported figures, with the formula and both inputs cited."""
    if q.op in ("diff_years", "growth_years"):
        return _across_years(qa, q)
    founds = []
    for i, part in enumerate(q.parts):
        found = _find_part(qa, q, part, q.orgs, q.years)
        if i and (found.best is None or found.rivals) and (subject := _subject(qa, q.parts[0], part)):
            found = _find_part(qa, q, subject + part, q.orgs, q.years)  # "课题调研执行数比(课题调研)预算数少多少"
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
        unit = a.unit
        sym = "+" if q.op == "sum" else "−"
        left, right = (la, lb) if q.sign > 0 or q.op == "sum" else (lb, la)
        dl, dr = (a.display, b.display) if q.sign > 0 or q.op == "sum" else (b.display, a.display)
        formula = f"{left} {sym} {right} = {dl} {sym} {dr} = {value}{unit}"
        norm_value, norm_unit = (value * scale(a)).normalize(), a.base_unit
        if norm_value == norm_value.to_integral():
            norm_value = norm_value.quantize(Decimal(1))
    org, year = qa.scope_of(a)
    text = f"{qa._prefix(org, year)}{q.metric_text}：{formula}。"
    return Answer(question=q.question, answer=text, route="computed", citations=cite_all([*founds[0].same[:1],
                  *founds[1].same[:1]]), value=value, unit=unit, normalized_value=norm_value,
                  normalized_unit=norm_unit, org=org, year=year, metric=q.metric_text, formula=formula)


def _across_years(qa: FigureQA, q: Query) -> Answer:
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
        unit = a.unit
        formula = f"{ya}年 − {yb}年 = {a.display} − {b.display} = {value}{unit}"
        nv, nu = value * scale(a), a.base_unit
    org, _ = qa.scope_of(a)
    return Answer(question=q.question, answer=f"{org or ''}{part}：{formula}。", route="computed",
                  citations=cite_all([founds[0].same[0], founds[1].same[0]]), value=value, unit=unit,
                  normalized_value=nv, normalized_unit=nu, org=org, metric=part, formula=formula)


def comparison(qa: FigureQA, q: Query) -> Answer:
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
            who = qa._prefix(*qa.scope_of(found.fig))
        items.append((who, found))
    figs = [f.fig for _, f in items]
    if len({f.base_unit for f in figs}) > 1:
        return refusal(q.question, "无法比较：" + "、".join(f.display for f in figs) + "单位不同")
    pick = min if q.compare == "lower" else max
    win_who, win = pick(items, key=lambda it: it[1].fig.base_value)
    word = "低" if q.compare == "lower" else "高"
    listing = "，".join(f"{who}为{f.fig.display}" for who, f in items)
    if len({f.base_value for f in figs}) == 1:
        verdict = "两者相同"
    else:
        verdict = f"{win_who}更{word}"
    org, year = qa.scope_of(win.fig)
    return Answer(question=q.question, answer=f"{q.metric_text}：{listing}；{verdict}。", route="comparison",
                  citations=cite_all([f.same[0] for _, f in items]), value=win.fig.value, unit=win.fig.unit,
                  normalized_value=win.fig.base_value, normalized_unit=win.fig.base_unit, org=org, year=year,
                  metric=q.metric_text)


def _met(target: Figure, actual: Figure) -> bool:
    if target.qualifier in AT_MOST:
        return actual.base_value <= target.base_value
    if target.qualifier in AT_LEAST:
        return actual.base_value >= target.base_value
    if LOWER_BETTER.search(target.metric):
        return actual.base_value <= target.base_value
    return actual.base_value >= target.base_value


def _label_similarity(a: str, b: str) -> float:
    """How alike two metric labels are (shared bigrams, both ways)."""
    ga = {a[i:i + 2] for i in range(len(a) - 1)}
    gb = {b[i:i + 2] for i in range(len(b) - 1)}
    if not ga or not gb:
        return 0.0
    return (len(ga & gb) / len(ga) + len(ga & gb) / len(gb)) / 2


def _pair_actual(t: Figure, actuals: list[Figure]) -> Figure | None:
    """The actual value reported for the same indicator as a target (same unit, most alike label)."""
    same_unit = [a for a in actuals if a.base_unit == t.base_unit and a.quantity_kind == t.quantity_kind]
    if not same_unit:
        return None
    if len(same_unit) == 1:
        return same_unit[0]
    scored = sorted(((_label_similarity(norm(t.metric), norm(a.metric)), i, a) for i, a in enumerate(same_unit)),
                    reverse=True)
    best, second = scored[0], scored[1]
    return best[2] if best[0] >= 0.5 and best[0] > second[0] else None


def listing(qa: FigureQA, q: Query) -> Answer:
    """Indicators below a threshold, or whose actual value misses its target, each cited."""
    assert q.threshold is not None
    op, limit, unit = q.threshold
    views = qa.in_scope(q.orgs, q.years)
    who = "".join(f"{y}年" for y in q.years) + "、".join(q.orgs)
    rows: list[tuple[str, list[Figure]]] = []
    checked: list[Figure] = []
    if op == "missed":
        by_row: dict[tuple[str, str], list[Figure]] = {}
        for v in views:
            f = v.fig
            by_row.setdefault((f.doc_id, f.extra.get("indicator") or f.canonical), []).append(f)
        for (_, name), figs in by_row.items():
            actuals = [f for f in figs if f.kind == "actual"]
            for t in (f for f in figs if f.kind == "target"):
                pair = _pair_actual(t, actuals)
                if pair is None:
                    continue
                checked.append(t)
                if not _met(t, pair):
                    rows.append((f"{name}：目标{t.display}，实际{pair.display}", [t, pair]))
        head = "未达到目标值的指标"
    else:
        metric = re.sub(r"的?(?:项目|指标|事项)$", "", q.metric_text) or q.metric_text
        items_only = metric != q.metric_text and q.metric_text.endswith("项目")
        asked = qa.canonical_name(metric)
        keys = [t for t in terms_of(metric) if t.key]
        for v in views:
            f = v.fig
            if (unit == "%" and f.quantity_kind != "percent") or f.kind != "actual":
                continue
            if not keys or not all(t.text in v.local or t.text in norm(f.canonical) for t in keys):
                continue
            if items_only and not (f.extra.get("indicator") or (norm(f.canonical) != asked and "项目" in v.local)
                                   or norm(f.canonical).endswith(asked) and norm(f.canonical) != asked):
                continue  # "执行率低于95%的项目": the department's own rate is not a project
            checked.append(f)
            if (f.base_value < limit) if op == "<" else (f.base_value > limit):
                rows.append((f"{qa.label(f, metric)}：{f.display}", [f]))
        head = f"{metric}{'低于' if op == '<' else '高于'}{limit}{unit}的"
    if not checked:
        return refusal(q.question, f"{who}报告中没有可以核对的{'目标值与完成值' if op == 'missed' else q.metric_text}")
    if not rows:
        listed = "、".join(dict.fromkeys(f"{qa.label(f, '')}{f.display}" for f in checked[:8]))
        return Answer(question=q.question, answer=f"{who}报告列示的数字中没有{head}（已核对：{listed}）。",
                      route="list", citations=[citation(f) for f in checked], org=q.orgs[0] if q.orgs else None,
                      year=q.years[0] if q.years else None)
    cites = [citation(f) for _, figs in rows for f in figs]
    body = "；".join(r for r, _ in rows)
    return Answer(question=q.question, answer=f"{who}{head}：{body}。", route="list", citations=cites,
                  org=q.orgs[0] if q.orgs else None, year=q.years[0] if q.years else None)


def rate_from_inputs(qa: FigureQA, q: Query) -> Answer | None:
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
    return Answer(question=q.question, answer=f"{qa._prefix(org, year)}{q.metric_text}（按报告数字计算）：{formula}。",
                  route="computed", citations=cite_all([actual.same[0], budget.same[0]]), value=value, unit="%",
                  normalized_value=value, normalized_unit="%", org=org, year=year, metric=q.metric_text,
                  formula=formula)


def rate_warnings(qa: FigureQA, f: Figure) -> list[str]:
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
