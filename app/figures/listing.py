"""Lists of indicators: those below (or above) a threshold, and those whose actual value misses its target."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.figures.match import citation, norm, terms_of
from app.routes import Route, handles
from core.answer import Answer, refusal

if TYPE_CHECKING:
    from app.figures.index import FigureIndex
    from app.question.parse import Query
    from core.records import Figure
    from core.vocabulary import Qualifiers

LOWER_BETTER = re.compile(r"时限|时间|时长|天数|用时|发生率|事故|投诉|差错|超时|伤亡|损失|欠款|逾期|再犯罪率|死亡率|发病率")


def _met(target: Figure, actual: Figure, bounds: Qualifiers) -> bool:
    if target.qualifier in bounds.at_most:
        return actual.base_value <= target.base_value
    if target.qualifier in bounds.at_least:
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


def _is_weight(f: Figure) -> bool:
    """A score's weight (分值 10, 满分 15) is stored as a target but is no goal an indicator can miss."""
    return f.quantity_kind == "score" or bool(re.search(r"分值|权重|满分|总分", f.metric + f.extra.get("header", f.extra.get("column", ""))))


@handles(Route.LIST)
def listing(qa: FigureIndex, q: Query) -> Answer:
    """Indicators below a threshold, or whose actual value misses its target, each cited."""
    assert q.threshold is not None
    op, limit, unit = q.threshold
    views = qa.in_scope(q.orgs, q.years)
    who = "".join(f"{y}年" for y in q.years) + "、".join(q.orgs)
    rows: list[tuple[str, list[Figure]]] = []
    checked: list[Figure] = []
    if op == "missed":
        by_row: dict[tuple[str, str], list[Figure]] = {}
        seen: set[tuple[str, object, object, str]] = set()  # a row stated in a table and again in prose
        for v in views:
            f = v.fig
            by_row.setdefault((f.doc_id, f.extra.get("indicator") or f.canonical), []).append(f)
        for (_, name), figs in by_row.items():
            actuals = [f for f in figs if f.kind == "actual"]
            for t in (f for f in figs if f.kind == "target" and not _is_weight(f)):
                pair = _pair_actual(t, actuals)
                if pair is None:
                    continue
                checked.append(t)
                key = (t.doc_id, t.base_value, pair.base_value, t.base_unit)
                if not _met(t, pair, qa.vocabulary.qualifiers) and key not in seen:
                    seen.add(key)
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
                rows.append((f"{qa.label(f, metric, 32)}：{f.display}", [f]))
        head = f"{metric}{'低于' if op == '<' else '高于'}{limit}{unit}的"
    if not checked:
        return refusal(q.question, f"{who}报告中没有可以核对的{'目标值与完成值' if op == 'missed' else q.metric_text}")
    if not rows:
        listed = "、".join(dict.fromkeys(f"{qa.label(f, '')}{f.display}" for f in checked[:8]))
        return Answer(question=q.question, answer=f"{who}报告列示的数字中没有{head}（已核对：{listed}）。",
                      route=Route.LIST, citations=[citation(f) for f in checked], org=q.orgs[0] if q.orgs else None,
                      year=q.years[0] if q.years else None)
    cites = [citation(f) for _, figs in rows for f in figs]
    body = "；".join(r for r, _ in rows)
    return Answer(question=q.question, answer=f"{who}{head}：{body}。", route=Route.LIST, citations=cites,
                  org=q.orgs[0] if q.orgs else None, year=q.years[0] if q.years else None)
