"""The shared window helper gives what walking character by character gives, for any text and stops."""

from __future__ import annotations

import random

from core.spans import bounds


def _walk(text: str, start: int, end: int, stops: str, limit: int | None, digit_commas: bool) -> tuple[int, int]:
    """The old per-character walk (app/figures/match.py and app/scoring/candidates.py before the change)."""
    def stop(i: int) -> bool:
        ch = text[i]
        if ch not in stops:
            return False
        return not (digit_commas and ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit()
                    and text[i + 1].isdigit())

    big = limit if limit is not None else len(text) + 1
    s = start
    while s > 0 and not stop(s - 1) and start - s < big:
        s -= 1
    e = end
    while e < len(text) and not stop(e) and e - end < big:
        e += 1
    return s, e


def test_bounds_equal_the_character_walk() -> None:
    rng = random.Random(13)
    alphabet = "预算执行率为98.15%，,。；;\n12,345万元和"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        stops = rng.choice(["，,。；;\n\t", "。；;\n", "\n", ",", ""])
        limit = rng.choice([None, 0, 1, 5, 60])
        commas = rng.choice([False, True])
        assert bounds(text, start, end, stops, limit, commas) == _walk(text, start, end, stops, limit, commas), (
            text, start, end, stops, limit, commas)
