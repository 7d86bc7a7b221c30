"""PDF files with a text layer, through pdfplumber (pdfminer.six): text in reading order, ruled tables as rows.

Each page becomes text lines (found by baseline, see ``pdflayout``) and tables (pdfplumber's ruled-table
finder, cells read from the same normalised characters), in the order they stand on the page. A table
that goes on at the top of the next page without a header of its own gets the header, and the
``单位：元`` line, of the table it continues. A page without a text layer goes to OCR when it is
available, otherwise the file is refused naming the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import BadInput
from core.protocols import Page
from ingest.clean import MARKER
from ingest.layout import join_text
from ingest.loaders.pdflayout import Char, Line, chars_of, inside_any, lines_of, text_in
from ingest.loaders.table import Grid, Rendered, render

log = logging.getLogger(__name__)

UNIT_LINE = re.compile(r"单位\s*[:：]\s*(?:万元|元|亿元|千元)")
PAGE_DEBRIS = re.compile(r"^[-—–－_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–－_\s]*$|^\d{1,4}\s*/\s*\d{1,4}$")
MIN_TEXT_CHARS = 10  # a page with fewer characters and a picture on it is a scan
FEW_TEXT_CHARS = 60  # ... and so is one with fewer than these under a picture covering most of it
MAX_CID_SHARE = 0.3  # more glyphs than this without a Unicode mapping ("(cid:123)"): no usable text layer
OCR_WARN_PAGES = 10  # more scanned pages than this: say that OCR will take a while
MARGIN = 0.08  # share of the page height at the top and the bottom where running heads and page numbers stand
HEAD_MIN_PAGES, HEAD_SHARE = 3, 0.3  # a running head stands in the margin of this many pages, and this share
TERMINAL = tuple("。！？；：!?;:")
MIN_WRAP_LINES = 4  # a page with fewer lines of text (a cover) has no text width to wrap at
HEADING_SIZE, MAX_HEADING = 1.2, 40  # a heading is set this much larger than the body, in at most so many characters
HEADING_NOT = re.compile(r"[。，；！？,;:：]|…|\.{3}")
Box = tuple[float, float, float, float]


@dataclass
class _Block:
    top: float
    line: Line | None = None
    table: Rendered | None = None
    unit: str = ""  # the 单位 line standing above a table
    margin: bool = False  # a text line in the top or bottom margin (where running heads stand)
    page_size: float = 0.0  # the font size most characters of the page are set in


@dataclass
class _Carry:
    """The last table of the previous page, when nothing but page debris follows it."""

    table: Rendered
    unit: str


class PdfLoader:
    """Pages of a PDF with a text layer; scanned pages through OCR (``ingest.loaders.ocr``) when installed."""

    suffixes: tuple[str, ...] = (".pdf",)

    def load(self, path: Path) -> list[Page]:
        import pdfplumber

        found: list[list[_Block] | None] = []
        number = 0
        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    number += 1
                    found.append(_blocks(page))
                    page.close()  # drop the page's parsed objects: a long report stays small in memory
        except BadInput:
            raise
        except Exception as e:  # pdfminer raises many kinds of errors on damaged files
            raise BadInput(_pdf_error(path, number, e)) from e
        if not found:
            raise BadInput(f"{path}: the PDF has no pages")
        scans = sum(1 for b in found if b is None)
        if scans > OCR_WARN_PAGES:
            log.warning("%s: %d pages have no text layer; reading them by OCR takes a few seconds a page", path, scans)
        heads = _running_heads(found)
        body = _body_size(found)
        pages: list[Page] = []
        scanned: list[int] = []
        carry: _Carry | None = None
        for number, blocks in enumerate(found, start=1):
            if blocks is None:
                pages.append(_ocr_page(path, number))
                scanned.append(number)
                carry = None
                continue
            blocks = [b for b in blocks if not (b.margin and b.line is not None and _key(b.line.text) in heads)]
            text, carry = _assemble(blocks, carry, body)
            pages.append(Page(number, text))
        if scanned and not any(p.text.strip() for p in pages):
            raise BadInput(f"{path}: no page has a text layer and OCR found no text on page(s) "
                           f"{scanned[0]}–{scanned[-1]}; is the scan blank or upside down?")
        return pages


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _running_heads(found: list[list[_Block] | None]) -> set[str]:
    """Texts standing in the top or bottom margin of many pages (digits aside: "- 3 -", "第3页")."""
    seen: dict[str, int] = {}
    for blocks in found:
        for key in {_key(b.line.text) for b in blocks or [] if b.margin and b.line is not None}:
            seen[key] = seen.get(key, 0) + 1
    pages = len(found)
    return {k for k, n in seen.items() if n >= HEAD_MIN_PAGES and n >= HEAD_SHARE * pages}


def _pdf_error(path: Path, number: int, e: Exception) -> str:
    causes = [e, *e.args, e.__cause__, e.__context__]
    names = " ".join(type(c).__name__ for c in causes if isinstance(c, BaseException))
    where = f" (page {number})" if number else ""
    if "Password" in names or "Encrypt" in names:
        return f"{path}: the PDF is encrypted{where}; save an unprotected copy and ingest that"
    detail = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
    return f"{path}: cannot read the PDF{where}: {detail} ({type(e).__name__}); the file is damaged or truncated"


def _blocks(page: Any) -> list[_Block] | None:
    """Text and table blocks of a page in reading order; None when the page has no usable text layer."""
    raw = page.dedupe_chars().chars
    cid = sum(1 for c in raw if str(c.get("text", "")).startswith("(cid:"))
    if raw and cid / len(raw) > MAX_CID_SHARE:
        return None
    chars = chars_of(raw)
    covered = _picture_share(page)
    if (len(chars) < MIN_TEXT_CHARS and covered > 0.3) or (len(chars) < FEW_TEXT_CHARS and covered > 0.6):
        return None  # a scan, perhaps with a page number or a stamp in text
    blocks: list[_Block] = []
    boxes: list[Box] = []
    for t in page.find_tables():
        grid = _grid(t, chars)
        if grid is None:
            continue
        boxes.append(t.bbox)
        rendered = render(grid)
        blocks.append(_Block(t.bbox[1], table=rendered))
    height = float(page.height)
    sizes: dict[float, int] = {}
    for c in chars:
        sizes[round(c.size, 1)] = sizes.get(round(c.size, 1), 0) + 1
    page_size = max(sizes, key=lambda k: sizes[k]) if sizes else 0.0
    for ln in lines_of([c for c in chars if not inside_any(c, boxes)]):
        if ln.text.strip():
            margin = ln.bottom < MARGIN * height or ln.top > (1 - MARGIN) * height
            blocks.append(_Block(ln.top, line=ln, margin=margin, page_size=page_size))
    blocks.sort(key=lambda b: b.top)
    for i, b in enumerate(blocks):
        if b.table is not None:
            above = [x.line.text for x in blocks[max(0, i - 3):i] if x.line is not None]
            b.unit = next((ln for ln in reversed(above) if UNIT_LINE.search(ln)), "")
    return blocks


def _picture_share(page: Any) -> float:
    """The share of the page that pictures cover."""
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, float(im["x1"] - im["x0"])) * max(0.0, float(im["bottom"] - im["top"]))
                  for im in page.images)
    return covered / area


def _grid(table: Any, chars: list[Char]) -> Grid | None:
    """The table's cells on a grid of its distinct cell edges, each cell read from the page's characters."""
    cells: list[Box] = [tuple(c) for c in table.cells]
    if not cells:
        return None
    xs = _edges([c[0] for c in cells])
    ys = _edges([c[1] for c in cells])
    spans: list[tuple[int, int, int, int, str]] = []
    for x0, top, x1, bottom in cells:
        r, c = _index(ys, top), _index(xs, x0)
        rs = max(1, sum(1 for y in ys if top - 1 < y < bottom - 1))
        cs = max(1, sum(1 for x in xs if x0 - 1 < x < x1 - 1))
        spans.append((r, c, rs, cs, text_in(chars, (x0, top, x1, bottom))))
    grid = Grid.from_spans(spans)
    if not any(t.strip() for row in grid.text for t in row):
        return None
    return grid


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _body_size(found: list[list[_Block] | None]) -> float:
    """The font size most of the text is set in."""
    sizes: dict[float, int] = {}
    for blocks in found:
        for b in blocks or []:
            if b.line is not None:
                sizes[round(b.line.size, 1)] = sizes.get(round(b.line.size, 1), 0) + len(b.line.text)
    return max(sizes, key=lambda k: sizes[k]) if sizes else 0.0


def _heading(b: _Block, body: float) -> bool:
    """A short line set clearly larger than the body text (or, on a page of small table text, than that), without
    sentence punctuation or contents dots."""
    line = b.line
    if line is None or body <= 0:
        return False
    text = line.text.strip()
    larger = line.size >= HEADING_SIZE * body or (line.size >= body - 0.5 and line.size >= 1.3 * b.page_size)
    return larger and len(text) <= MAX_HEADING and not HEADING_NOT.search(text) and not PAGE_DEBRIS.match(text)


def _assemble(blocks: list[_Block], carry: _Carry | None, body_size: float = 0.0) -> tuple[str, _Carry | None]:
    """The page's text, and what the next page needs to continue a table cut by the page end.

    Lines set larger than the body text become markdown headings ("# 收入决算表"); a heading set on two
    lines is one heading; a line that runs to the right edge is joined with the next one it wraps into."""
    out: list[str] = []
    first_table = next((i for i, b in enumerate(blocks) if b.table is not None), None)
    lead = blocks[:first_table] if first_table is not None else blocks
    continues = (carry is not None and first_table is not None and _debris(lead, head=True)
                 and _continues(carry.table, blocks[first_table]))
    body = [b.line for b in blocks if b.line is not None and not b.margin]
    left = min((ln.x0 for ln in body), default=0.0)
    right = max((ln.x1 for ln in body), default=0.0)
    prev: Line | None = None
    head: Line | None = None  # the heading line just emitted
    for i, b in enumerate(blocks):
        if b.line is not None and _heading(b, body_size):
            text = b.line.text.strip()
            if head is not None and out and abs(head.size - b.line.size) < 0.5 and not MARKER.match(text):
                out[-1] = join_text(out[-1], text)
            else:
                out.append(f"# {text}")
            head, prev = b.line, None
            continue
        head = None
        if b.line is not None:
            if prev is not None and out and len(body) >= MIN_WRAP_LINES and _wraps(prev, b.line, left, right):
                out[-1] = join_text(out[-1], b.line.text)
            else:
                out.append(b.line.text)
            prev = b.line
            continue
        prev = None
        assert b.table is not None
        lines = b.table.lines()
        if i == first_table and continues and carry is not None:
            b.unit = b.unit or carry.unit
            b.table.adopt(carry.table)
            lines = b.table.lines(with_header=False)
            lines = ([carry.unit] if carry.unit else []) + ["\t".join(b.table.header or [])] + lines
        out.extend(["", *lines, ""])
    last_table = max((i for i, b in enumerate(blocks) if b.table is not None), default=None)
    nxt = None
    if last_table is not None and _debris(blocks[last_table + 1:], head=False):
        t = blocks[last_table].table
        if t is not None and t.header is not None:
            nxt = _Carry(t, blocks[last_table].unit)
    return "\n".join(out).strip("\n"), nxt


def _wraps(cur: Line, nxt: Line, left: float, right: float) -> bool:
    """``nxt`` goes on with ``cur``'s sentence: ``cur`` runs to the right edge of the text, ``nxt`` starts at the
    left edge in the same font size right below, and neither a sentence end nor a heading marker stands between."""
    size = max(cur.size, nxt.size, 1.0)
    return (cur.x1 >= right - 1.5 * size and abs(nxt.x0 - left) <= 0.6 * size
            and abs(cur.size - nxt.size) < 0.5 and 0 <= nxt.top - cur.bottom < size
            and not cur.text.rstrip().endswith(TERMINAL) and not MARKER.match(nxt.text.strip()))


def _debris(blocks: list[_Block], *, head: bool) -> bool:
    """Only page furniture between a table and the page edge: page numbers, and at the top a running head."""
    lines = [b.line.text for b in blocks if b.line is not None]
    if head:
        return len(lines) <= 2 and all(len(ln) <= 40 and "表" not in ln and not UNIT_LINE.search(ln)
                                       or PAGE_DEBRIS.match(ln) for ln in lines)
    return all(PAGE_DEBRIS.match(ln) or len(ln.strip()) <= 3 for ln in lines)


def _continues(prev: Rendered, block: _Block) -> bool:
    t = block.table
    return t is not None and t.header is None and not t.title and t.width == prev.width and bool(t.rows)


def _ocr_page(path: Path, number: int) -> Page:
    from ingest.loaders.ocr import available, ocr_page

    if not available():
        raise BadInput(f"{path}: page {number} has no text layer (a scanned image) and OCR is not installed; "
                       "install rapidocr and onnxruntime, or ingest a PDF with a text layer")
    return ocr_page(path, number)

