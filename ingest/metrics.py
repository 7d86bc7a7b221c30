"""Metric names: the synonyms of core/vocabulary.toml and the canonical name every figure and question is compared by."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from core.errors import BadInput
from core.vocabulary import VOCABULARY_FILE

_NORM_DROP = re.compile(r"[\s“”\"‘’'《》「」『』【】]|的|[（(][^（()）]*[)）]")
_GENERIC_PREFIX = re.compile(
    r"^(?:本|部门|单位|本单位|年度|全年|本年度|本年|当年|整体|总体|绩效|支出|我局|本局|全局|局|预算年度|资金|预算资金|年|调整后"
    r"|合计|总计|总合计)*$"
)
# who and when, written before a metric ("市卫健委2022年度部门整体支出绩效评价得分"): not part of what is measured
_WHO_WHEN = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?:委员会|局|委|厅|署|办公室|政府)(?:(?:19|20)\d{2}\s*年度?)?")


def load_metric_synonyms(extra: Path | None = None) -> dict[str, list[str]]:
    """The [metrics] section of core/vocabulary.toml (canonical name -> synonyms), with an optional file merged over it.

    Raises:
        BadInput: a file that is missing or not valid TOML.
    """
    return {canon: list(syns) for canon, syns in _read_synonyms(extra)}


@lru_cache(maxsize=8)
def _read_synonyms(extra: Path | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out: dict[str, list[str]] = {}
    for path in [VOCABULARY_FILE] + ([Path(extra)] if extra else []):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, tomllib.TOMLDecodeError) as e:
            raise BadInput(f"metric synonyms: cannot read {path} ({e}); it must be TOML with a [metrics] table") from e
        for canon, syns in (data.get("metrics") or {}).items():
            if isinstance(syns, list):
                out.setdefault(canon, [])
                out[canon] += [str(s) for s in syns if str(s) not in out[canon]]
    return tuple((canon, tuple(syns)) for canon, syns in out.items())


def normalize_metric(text: str) -> str:
    """Metric text as compared: no spaces, quotes, parentheses or 的."""
    return _NORM_DROP.sub("", text)


def _index(synonyms: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    pairs = [(normalize_metric(s), canon) for canon, syns in synonyms.items() for s in [canon, *syns]]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


@lru_cache(maxsize=1)
def _default_index() -> list[tuple[str, str]]:
    return _index(load_metric_synonyms())


def canonical_metric(text: str, synonyms: Mapping[str, list[str]] | None = None) -> str:
    """The canonical name of a metric, for matching figures and questions the same way.

    "部门年度整体预算完成率" -> "预算执行率"; a specific prefix is kept: "执法综合业务费 执行率" ->
    "执法综合业务费预算执行率"; a metric that ends with no synonym comes back normalised.

    Args:
        text: the metric as written (or the metric phrase of a question).
        synonyms: canonical -> synonyms; default the packaged core/vocabulary.toml [metrics].
    """
    t = normalize_metric(text)
    for syn, canon in (_index(synonyms) if synonyms is not None else _default_index()):
        if syn and t.endswith(syn):
            prefix = re.sub(r"(?:项目|的)+$", "", t[: len(t) - len(syn)])
            if _GENERIC_PREFIX.match(prefix) or _GENERIC_PREFIX.match(_WHO_WHEN.sub("", prefix, count=1)):
                return canon
            return prefix + canon
    return t
