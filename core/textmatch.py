"""How a text answer is compared with an expected one: shared by the eval and by the text scorer's labels."""

from __future__ import annotations

import unicodedata
from collections import Counter

TEXT_F1 = 0.6  # character-level F1 at which a text answer counts as right when containment fails


def norm_text(text: str) -> str:
    """NFKC, lower case, whitespace and punctuation removed: how text answers are compared."""
    t = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PZC")


def char_f1(pred: str, gold: str) -> float:
    """Character-level F1 of two strings after ``norm_text``."""
    p, g = Counter(norm_text(pred)), Counter(norm_text(gold))
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)
