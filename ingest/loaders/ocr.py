"""OCR for PDF pages without a text layer: rapidocr (PP-OCR det/rec models inside the package, CPU, no network).

The page is rendered with pypdfium2 at 150 dpi and read into text boxes with a confidence each. Boxes
become lines by their vertical centres; a run of lines with several boxes apart is a table, whose columns
come from its fullest line, so a row with empty cells keeps its numbers under the right header. The
page comes back as an ``OcrPage``: a ``Page`` that also carries each box's text and confidence, which
``ingest.pages`` turns into ``Figure.extra["ocr_conf"]``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import median
from typing import Any

from core.errors import BadInput
from core.protocols import Page
from ingest.layout import join_text

log = logging.getLogger(__name__)

DPI = 150
CELL_GAP = 0.25  # boxes further apart than this many line heights are separate cells
TABLE_BREAK = 2.5  # a vertical gap of this many line heights ends a table
AMOUNT = r"-?\d[\d,]*\.\d{2}|-?\d{1,3}(?:,\d{3})+"  # 0.00, 1,149,678.00: not 1. or 2026
AMOUNT_THEN_LABEL = re.compile(rf"^({AMOUNT})([^\d,.%].*)$")
LABEL_THEN_AMOUNT = re.compile(rf"^(.*[\u4e00-\u9fff])({AMOUNT})$")


@dataclass(frozen=True)
class OcrPage(Page):
    """A page read by OCR: ``boxes`` holds each recognised text box and its confidence (0..1)."""

    boxes: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class _Box:
    text: str
    conf: float
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


def available() -> bool:
    """Whether the OCR packages (rapidocr with its bundled models, onnxruntime) are installed."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "pypdfium2"))


@cache
def _engine() -> Any:
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params={"Global.log_level": "warning"})


def ocr_page(path: Path, number: int) -> OcrPage:
    """Read page ``number`` (1-based) of the PDF at ``path`` by OCR.

    Raises:
        BadInput: the page cannot be rendered, or OCR finds no text on it.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
        try:
            image = pdf[number - 1].render(scale=DPI / 72).to_numpy()
        finally:
            pdf.close()
    except Exception as e:
        raise BadInput(f"{path}: page {number} has no text layer and cannot be rendered for OCR ({e})") from e
    result = _engine()(image)
    boxes = [_Box(str(t), float(s), float(min(p[0] for p in b)), float(max(p[0] for p in b)),
                  float(min(p[1] for p in b)), float(max(p[1] for p in b)))
             for b, t, s in zip(result.boxes if result.boxes is not None else [], result.txts or (),
                                result.scores or (), strict=False) if str(t).strip()]
    log.info("%s: page %d read by OCR, %d text boxes", path, number, len(boxes))
    return OcrPage(number, "\n".join(layout(boxes)), tuple((b.text, b.conf) for b in boxes))


def layout(boxes: list[_Box]) -> list[str]:
    """Text lines top to bottom; table lines as tab-separated cells aligned to the table's fullest line."""
    if not boxes:
        return []
    h = median(b.height for b in boxes)
    lines: list[list[_Box]] = []
    for b in sorted(boxes, key=lambda b: b.mid_y):
        if lines and abs(b.mid_y - median(x.mid_y for x in lines[-1])) <= 0.5 * h:
            lines[-1].append(b)
        else:
            lines.append([b])
    for line in lines:
        line.sort(key=lambda b: b.x0)
    cells = [_cells(line, h) for line in lines]
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        if len(cells[i]) > 1:  # a table: up to the last line with several cells before a wide vertical gap
            last = i
            while j + 1 < len(lines) and lines[j + 1][0].top - max(b.bottom for b in lines[j]) < TABLE_BREAK * h:
                j += 1
                if len(cells[j]) > 1:
                    last = j
            j = last
            out.extend(["", *_table([[[b] for b in line] for line in lines[i:j + 1]]), ""])  # a box a cell
        else:
            text = ""
            for b in cells[i][0]:
                text = join_text(text, b.text)
            out.append(text)
        i = j + 1
    return out


def _cells(line: list[_Box], h: float) -> list[list[_Box]]:
    """The boxes of a line grouped into cells: a gap wider than ``CELL_GAP`` line heights starts a new one."""
    out = [[line[0]]]
    for b in line[1:]:
        if b.x0 - out[-1][-1].x1 > CELL_GAP * h:
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _split(cell: list[_Box]) -> list[list[_Box]]:
    """A box OCR read across a cell border, an amount and the next row label ("0.00三、卫生健康支出"), as two."""
    if len(cell) != 1:
        return [cell]
    b = cell[0]
    m = AMOUNT_THEN_LABEL.match(b.text) or LABEL_THEN_AMOUNT.match(b.text)
    if not m:
        return [cell]
    cut = b.x0 + (b.x1 - b.x0) * len(m.group(1)) / len(b.text)
    return [[_Box(m.group(1), b.conf, b.x0, cut, b.top, b.bottom)], [_Box(m.group(2), b.conf, cut, b.x1, b.top, b.bottom)]]


def _table(rows: list[list[list[_Box]]]) -> list[str]:
    """Rows of cells placed in the columns of the fullest row (by which column each cell's centre falls in)."""
    rows = [[part for cell in row for part in _split(cell)] for row in rows]
    template = max(rows, key=len)
    edges = [(min(b.x0 for b in c), max(b.x1 for b in c)) for c in template]
    bounds = [(edges[k - 1][1] + edges[k][0]) / 2 for k in range(1, len(edges))]  # between neighbouring columns
    out = []
    for row in rows:
        cols = [""] * len(edges)
        for cell in row:
            mid = (min(b.x0 for b in cell) + max(b.x1 for b in cell)) / 2
            k = sum(1 for x in bounds if mid > x)
            cols[k] = (cols[k] + "".join(b.text for b in cell)).strip()
        out.append("\t".join(cols))
    return out
