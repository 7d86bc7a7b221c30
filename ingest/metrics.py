"""Metric names: the synonyms of core/vocabulary.toml and the canonical name every figure and question is compared by."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from core.vocabulary import VOCABULARY_FILE, Vocabulary, alternation, load_vocabulary

__all__ = ["VOCABULARY_FILE", "canonical_metric", "load_metric_synonyms", "normalize_metric"]

_NORM_DROP = re.compile(r"[\s“”\"‘’'《》「」『』【】]|的|[（(][^（()）]*[)）]")
_GENERIC_PREFIX = re.compile(
    r"^(?:本|部门|单位|本单位|年度|全年|本年度|本年|当年|整体|总体|绩效|支出|我局|本局|全局|局|预算年度|资金|预算资金|年|调整后"
    r"|合计|总计|总合计)*$"
)


def load_metric_synonyms(extra: Path | None = None) -> dict[str, list[str]]:
    """The [metrics] section of the vocabulary (canonical name -> synonyms), with an optional user file merged over it.

    Raises:
        BadInput: a user file that is missing or not valid TOML.
    """
    return {canon: list(syns) for canon, syns in load_vocabulary(extra).metrics.items()}


def normalize_metric(text: str) -> str:
    """Metric text as compared: no spaces, quotes, parentheses or 的."""
    return _NORM_DROP.sub("", text)


@lru_cache(maxsize=8)
def _index(vocabulary: Vocabulary) -> tuple[list[tuple[str, str]], re.Pattern[str]]:
    """(synonym or canonical name, canonical name), longest first; and who-and-when before a metric."""
    pairs = [(normalize_metric(s), canon) for canon, syns in vocabulary.metrics.items() for s in [canon, *syns]]
    # who and when, written before a metric ("市卫健委2022年度部门整体支出绩效评价得分"): not part of what is measured
    who = alternation(vocabulary.departments, vocabulary.endings.issuers)
    who_when = re.compile(rf"^[\u4e00-\u9fff]{{1,12}}?(?:{who})(?:(?:19|20)\d{{2}}\s*年度?)?")
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True), who_when


def canonical_metric(text: str, vocabulary: Vocabulary | None = None) -> str:
    """The canonical name of a metric, for matching figures and questions the same way.

    "部门年度整体预算完成率" -> "预算执行率"; a specific prefix is kept: "执法综合业务费 执行率" ->
    "执法综合业务费预算执行率"; a metric that ends with no synonym comes back normalised.

    Args:
        text: the metric as written (or the metric phrase of a question).
        vocabulary: whose [metrics] to use; default the packaged vocabulary.
    """
    t = normalize_metric(text)
    pairs, who_when = _index(vocabulary or load_vocabulary())
    for syn, canon in pairs:
        if syn and t.endswith(syn):
            prefix = re.sub(r"(?:项目|的)+$", "", t[: len(t) - len(syn)])
            if _GENERIC_PREFIX.match(prefix) or _GENERIC_PREFIX.match(who_when.sub("", prefix, count=1)):
                return canon
            return prefix + canon
    return t
