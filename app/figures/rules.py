"""Scoring rules for figure look-ups: which figures may answer a question at all, and how much to trust each."""

from __future__ import annotations

import re

from app.figures.match import norm, terms_of
from core.records import Figure
from core.vocabulary import load_vocabulary

# the kinds of quantity that may answer a question hinting at a kind
COMPAT = {"money": {"money"}, "percent": {"percent"}, "count": {"count", "other"}, "score": {"score"},
          "duration": {"duration", "count"}, "points": {"points"}, "area": {"area"}, "other": {"other"}}
MAGNITUDES = [m for m, _ in sorted(load_vocabulary().units.magnitudes, key=lambda m: len(m[0]), reverse=True)]
# Look-alike budgets: the budget set at the start of the year, and the budget after adjustments (全年预算数 in
# 项目支出 tables is the adjusted one). A figure labelled with one never answers a question about the other.
INITIAL = re.compile(r"年初")
FINAL = re.compile(r"全年预算|调整后|调整预算|追加后|调整后预算|变动后|年中追加调整后")
ADJUST = re.compile(r"(?:追加|调增|调减|压减|核减|削减)了?(?:预算|资金|经费)(?!后)|调整(?:了)?预算(?:资金)?(?!数|后)")
SPENT = re.compile(r"支出|执行数|执行金额|花了|用了|使用了")
SAME_FIGURE = ({"本年支出", "执行数"}, {"全年预算", "调整后预算"})  # lexicon metrics that name one figure
TOTAL_ROW = re.compile(r"^(?:合计|总计|总合计|全部|总额|共计|小计合计)$")


def unit_core(unit: str) -> str:
    """The unit without its magnitude: "万人次" -> "人次"."""
    for mag in MAGNITUDES:
        if unit.startswith(mag) and len(unit) > len(mag):
            return unit[len(mag):]
    return unit


def budget_family(text: str) -> str:
    """"initial" for 年初预算, "final" for 全年/调整后预算, "adjust" for the amount added or cut (追加预算),
    "" when the text names none (or several)."""
    t = norm(text)
    if "预算" not in t:
        return ""
    if ADJUST.search(t) and not FINAL.search(t):
        return "adjust"
    initial, final = bool(INITIAL.search(t)), bool(FINAL.search(t))
    if initial == final:
        return ""
    return "initial" if initial else "final"


def family_conflict(asked: str, f: Figure) -> bool:
    """The question asks one budget (年初预算) and the figure is labelled as another (调整后预算, 追加预算)."""
    want = budget_family(asked)
    have = budget_family(f.metric) or budget_family(f.extra.get("header", f.extra.get("column", "")))
    if have == "adjust":  # the amount added or cut answers only a question about that amount
        return want != "adjust" and "预算" in norm(asked)
    return bool(want and have) and have != want


def spending_asked_budget_given(asked: str, f: Figure) -> bool:
    """The question asks what was spent (基本支出, 执行数) and the figure is a budget of it."""
    t = norm(asked)
    if f.quantity_kind != "money" or "预算" in t or not SPENT.search(t):
        return False
    return f.kind == "budget" or "预算" in norm(f.metric + f.extra.get("header", f.extra.get("column", "")))


def head_metric(canonical: str, known: set[str]) -> str:
    """The lexicon metric a canonical name ends with ("项目支出执行数" -> "执行数"), or ""."""
    return max((k for k in known if canonical.endswith(k)), key=len, default="")


def canonical_conflict(asked: str, fc: str, known: set[str]) -> bool:
    """The question names one lexicon metric (本年支出) and the figure is another one (三公经费, 年初预算).

    ``fc`` is the figure's canonical name. Metrics that mean the same figure at department level (本年支出 and
    执行数, 全年预算 and 调整后预算) do not conflict, and neither does a figure whose name contains the asked
    metric ("项目支出执行数" for 项目支出).
    """
    if asked not in known:
        return False
    have = head_metric(fc, known)
    if not have or have == asked or asked in fc:
        return False
    return not any(asked in group and have in group for group in SAME_FIGURE)


def item_not_named(f: Figure, whole: str) -> bool:
    """A table row about one item ("基本支出", "课题调研") when the question names no such item.

    The question "预算执行率是多少" is about the whole department: the 合计 row and the prose answer it, the
    rows of single items do not (unless the question names the item).
    """
    if f.extra.get("source") != "table":
        return False
    item = norm(re.sub(r"^其中[:：]?", "", f.extra.get("indicator", "")))
    if not item or TOTAL_ROW.match(item) or item in whole or not norm(f.metric).startswith(item):
        return False  # (a cell that names its own metric in words is not about the row's item)
    keys = [t.text for t in terms_of(item) if t.key]
    return bool(keys) and not all(k in whole for k in keys)


def narrower(f: Figure, asked: str, whole: str, known: bool) -> float:
    """0.7 for a figure about a narrower item than asked: "档案数字化年初预算" when "年初预算" is asked.

    ``asked`` is the canonical name of the question's metric, ``whole`` the question's metric phrase and
    ``known`` whether ``asked`` is a metric of the lexicon (年初预算, 预算执行率, 自评得分 …).
    """
    if item_not_named(f, whole):
        return 0.7
    fc = norm(f.canonical)
    if not asked or fc == asked or not fc.endswith(asked) or (fc == norm(f.metric) and not known):
        return 1.0
    prefix = fc[: -len(asked)]
    if len(prefix) < 2 or any(prefix[i:i + 2] in whole for i in range(len(prefix) - 1)):
        return 1.0
    return 0.7 if any(t.key for t in terms_of(prefix)) else 1.0  # "全年" narrows nothing


def unit_factor(unit_word: str | None, f: Figure) -> float:
    """How well the figure's unit fits the unit the question asks in (多少宗 vs 1176宗)."""
    if not unit_word or f.quantity_kind in ("money", "points"):
        return 1.0
    qu, fu = unit_core(unit_word), unit_core(f.unit)
    if qu == fu or fu == "个" + qu or qu == "个" + fu:
        return 1.0
    if fu and (fu == qu + "次" or qu == fu + "次"):  # 场 / 场次, 家 / 家次
        return 0.9
    return 0.6


def is_change(f: Figure) -> bool:
    """A reported change against an earlier period ("较上年增长8.7%", "下降3个百分点")."""
    return f.kind == "change" or bool(f.extra.get("direction"))


def kind_factor(f: Figure, wants_target: bool, asks_change: bool, asks_actual: bool = False) -> float:
    """Targets answer target questions, changes answer change questions, actual values the rest.

    ``asks_actual``: the question says what was done ("实际", "完成了"), so a target answers it less well.
    """
    if f.kind == "change" or (f.extra.get("direction") and asks_change):
        return 1.0 if asks_change else 0.6
    if f.kind == "target":
        if wants_target:
            return 1.0
        return 0.5 if asks_actual else 0.7
    if wants_target:
        return 0.75
    return 0.6 if asks_change else 1.0
