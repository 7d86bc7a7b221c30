"""The patterns figure answering matches, built from the vocabulary's word lists (once per loaded vocabulary)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.vocabulary import Vocabulary, alternation, load_vocabulary


@dataclass(frozen=True)
class FigureWords:
    """Compiled patterns and word sets of one vocabulary; see ``figure_words``."""

    vocabulary: Vocabulary
    change_asked: re.Pattern[str]  # the question asks for a change ("较上年增长了多少")
    change_metric: re.Pattern[str]  # ... unless the word names a metric ("增长率", "新增")
    change_terms: frozenset[str]  # terms of a question a reported change stands for by itself
    before_asked: re.Pattern[str]  # the value before a change is asked for ("原来")
    since: re.Pattern[str]  # against what a change is stated ("同比", "较上年")
    department: re.Pattern[str]  # a department named in a place ("增城区" is none, "增城区民政局" is one)
    title_noise: re.Pattern[str]  # a report title's parts that say nothing of its subject: who, when, what report
    money_units: frozenset[str]  # 元, 万元, 亿元 …: money asked in one of them may be shown in another
    only_target: re.Pattern[str]  # only the target answers ("目标值是多少")
    only_actual: re.Pattern[str]  # only the actual value answers ("实际完成值")
    done: re.Pattern[str]  # said of what was done: a target answers less well


@lru_cache(maxsize=8)
def figure_words(vocabulary: Vocabulary | None = None) -> FigureWords:
    """The figure patterns of ``vocabulary`` (default: the packaged vocabulary)."""
    v = vocabulary or load_vocabulary()
    ch, qw, ends = v.changes, v.questions, v.endings
    money = [u for u, (base, kind) in v.units.measures.items() if kind == "money" and base == "元"]
    return FigureWords(
        vocabulary=v,
        change_asked=re.compile(alternation(ch.alone, ch.since)),
        change_metric=re.compile(alternation(ch.metric_names)),
        change_terms=frozenset((*ch.alone, *ch.rates, *ch.since, *ch.earlier)),
        before_asked=re.compile(alternation(ch.before)),
        since=re.compile(alternation(ch.since)),
        department=re.compile(alternation(v.departments)),
        title_noise=re.compile(
            rf"[（(][^（()）]*[)）]|(?:19|20)\d{{2}}\s*年度?|^.*?(?:{alternation(v.departments, ends.issuers, ends.units)})"
            r"|(?:部门整体支出|部门整体|整体支出|项目支出|财政支出|支出)?(?:绩效)?(?:目标)?(?:完成情况|自评|评价|自评价|评估)?"
            r"(?:报告|情况表|表)$"),
        money_units=frozenset(m + u for u in money for m in ("", *(m for m, _ in v.units.magnitudes))),
        only_target=re.compile(rf"{alternation(qw.only_target)}|目标是多少|目标[？?]?$|目标[是为]?多少"),
        only_actual=re.compile(rf"(?<!预期)(?:{alternation(qw.only_actual)})"),
        done=re.compile(alternation(qw.done)),
    )
