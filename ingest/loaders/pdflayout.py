"""Characters of a PDF page (pdfplumber's dicts) into lines of text in reading order.

PDF text layers often mix fonts with different declared ascents on one line: in published budget PDFs the
digits (Times New Roman) sit 5 pt lower than the Chinese text (FangSong) by their boxes, though they share
the baseline, so a box-based line finder emits every number on the line after its sentence. Lines here
are found by the glyphs' baseline (their text matrix), and every character gets a box normalised to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LINE_TOLERANCE = 0.3  # characters whose baselines differ by less than this share of their size share a line
WORD_GAP = 0.25  # a gap wider than this share of the size is a space (Latin words; CJK spaces are dropped later)
COLUMN_GAP = 2.0  # a gap wider than this many sizes separates columns: three spaces, read as a cell break


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float  # normalised to the baseline
    bottom: float
    base: float  # baseline, in top-down page coordinates
    size: float

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # the largest font size on the line


def chars_of(raw: Iterable[dict[str, Any]]) -> list[Char]:
    """pdfplumber char dicts as ``Char``s whose boxes hang from their baseline (see the module doc)."""
    out = []
    for c in raw:
        text = c.get("text") or ""
        if not text or text.isspace():
            continue
        size = float(c.get("size") or (c["bottom"] - c["top"]) or 1.0)
        top, bottom = float(c["top"]), float(c["bottom"])
        m = c.get("matrix")
        if m and m[1] == 0 and m[2] == 0 and m[0] > 0 and m[3] > 0:
            shift = float(c["y0"]) - float(m[5]) + 0.12 * size  # the box's bottom sits 0.12 size under the baseline
            if abs(shift) < size:
                top, bottom = top + shift, bottom + shift
        out.append(Char(text, float(c["x0"]), float(c["x1"]), top, bottom, bottom - 0.12 * size, size))
    return out


def lines_of(chars: list[Char]) -> list[Line]:
    """Group characters into lines by baseline, each read left to right, lines top to bottom."""
    groups: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (c.base, c.x0)):
        if groups:
            last = groups[-1]
            base = sum(c.base for c in last) / len(last)
            if abs(ch.base - base) <= LINE_TOLERANCE * max(ch.size, last[0].size):
                last.append(ch)
                continue
        groups.append([ch])
    out = []
    for g in groups:
        g.sort(key=lambda c: c.x0)
        parts: list[str] = []
        prev: Char | None = None
        for ch in g:
            if prev is not None:
                gap = ch.x0 - prev.x1
                size = max(ch.size, prev.size)
                if gap > COLUMN_GAP * size:
                    parts.append("   ")
                elif gap > WORD_GAP * size:
                    parts.append(" ")
            parts.append(ch.text)
            prev = ch
        out.append(Line("".join(parts), g[0].x0, max(c.x1 for c in g), min(c.top for c in g),
                        max(c.bottom for c in g), max(c.size for c in g)))
    return out


def text_in(chars: list[Char], bbox: tuple[float, float, float, float]) -> str:
    """The text of the characters centred inside ``bbox`` (x0, top, x1, bottom), line by line."""
    x0, top, x1, bottom = bbox
    inside = [c for c in chars if x0 <= c.mid_x <= x1 and top <= c.mid_y <= bottom]
    return "\n".join(ln.text for ln in lines_of(inside))


def inside_any(ch: Char, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(x0 - 1 <= ch.mid_x <= x1 + 1 and top - 1 <= ch.mid_y <= bottom + 1 for x0, top, x1, bottom in boxes)
