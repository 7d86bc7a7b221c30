"""Clause and sentence windows around a span of text, in logarithmic time per window after one linear scan."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

__all__ = ["bounds", "stop_positions"]


@lru_cache(maxsize=32)
def _pattern(stops: str, digit_commas: bool) -> re.Pattern[str]:
    chars = "".join(re.escape(c) for c in stops if not (digit_commas and c == ","))
    alts = [f"[{chars}]"] if chars else []
    if digit_commas and "," in stops:
        alts.append(r"(?<!\d),|,(?!\d)")  # "1,234" keeps its comma: a thousands separator, not a stop
    return re.compile("|".join(alts) or r"(?!)")


@lru_cache(maxsize=16)
def stop_positions(text: str, stops: str, digit_commas: bool = False) -> tuple[int, ...]:
    """Every index of ``text`` holding one of ``stops``, ascending; computed once per text (cached).

    Args:
        text: the document (or sentence) text.
        stops: the characters that end a window, e.g. "，,。；;".
        digit_commas: a "," between two digits is a thousands separator and does not count.
    """
    return tuple(m.start() for m in _pattern(stops, digit_commas).finditer(text))


def bounds(text: str, start: int, end: int, stops: str, limit: int | None = None,
           digit_commas: bool = False) -> tuple[int, int]:
    """The window around ``text[start:end]`` reaching out to the nearest stop character on each side.

    Equal to walking left from ``start`` and right from ``end`` until a stop (or at most ``limit``
    characters), but looks the stops up by bisection in a list made once per text, so a document with
    many numbers on one long line costs linear time in total instead of quadratic.

    Returns:
        (s, e): ``text[s:e]`` is the window; neither end includes a stop character.
    """
    pos = stop_positions(text, stops, digit_commas)
    i = bisect_left(pos, start)  # pos[i-1] is the last stop before start
    s = pos[i - 1] + 1 if i else 0
    j = bisect_left(pos, end)  # pos[j] is the first stop at or after end
    e = pos[j] if j < len(pos) else len(text)
    if limit is not None:
        s, e = max(s, start - limit), min(e, end + limit)
    return max(0, min(s, start)), max(e, end)
