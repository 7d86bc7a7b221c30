"""Pages: where each page of the source file starts in the cleaned text, and page numbers on chunks and figures.

Pages are cleaned together, not one by one: the cleaner needs the page breaks to drop running heads and
to join a sentence or a table cut by a page end. ``join_pages`` then finds each page's start in the
cleaned text by walking it against the pages' own characters (whitespace aside): the cleaner only drops,
translates (full-width digits) and rarely moves characters, so a walk that follows the text in order,
re-synchronising on a few characters in a row when it loses its place, lands within a line of the truth.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from core.records import Chunk, Document, Figure
from ingest.clean import TRANSLATE, clean

# between pages in the text given to the cleaner: a blank line, not a form feed, since the cleaner drops a line
# found next to two form feeds as a running head, and "单位：万元" at the top of two sheets is none (loaders
# drop their own running heads, by position)
PAGE_BREAK = "\n\n"
GRAM = 4  # characters that must follow in order to re-synchronise after a jump
FAR = 6000  # how far ahead a re-synchronisation may look
NEAR = 48  # how far ahead a single character may be matched
LOW_OCR = 0.8  # an OCR confidence below this makes a figure worth checking against the page


def join_pages(texts: list[str]) -> tuple[str, tuple[int, ...]]:
    """Clean the pages' texts as one document and find where each page starts in the result.

    Returns:
        (cleaned text, start offset of each page in it); a page with nothing left starts where the next
        one does, so ``page_of`` never answers with an empty page.
    """
    cleaned = clean(PAGE_BREAK.join(texts))
    if len(texts) <= 1:
        return cleaned, (0,) * len(texts)
    sig: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(texts):
        t = re.sub(r"(?<=\d)．(?=\d)", ".", t.translate(TRANSLATE))
        for ch in t:
            if not ch.isspace():
                sig.append(ch)
                owner.append(i)
    raw = "".join(sig)
    offsets = [i for i, ch in enumerate(cleaned) if not ch.isspace()]
    chars = "".join(cleaned[i] for i in offsets)
    first: list[int | None] = [None] * len(texts)
    pos = 0
    for k, off in enumerate(offsets):
        ch = chars[k]
        if pos < len(raw) and raw[pos] == ch:
            j = pos
        else:
            j = raw.find(chars[k:k + GRAM], pos, pos + FAR) if k + GRAM <= len(chars) else -1
            if j < 0:
                j = raw.find(ch, pos, pos + NEAR)
            if j < 0:
                continue
        pos = j + 1
        if first[owner[j]] is None:
            first[owner[j]] = off
    starts = [0] * len(texts)
    nxt = len(cleaned)
    for i in range(len(texts) - 1, 0, -1):
        found = first[i]
        nxt = found if found is not None and found <= nxt else nxt
        starts[i] = nxt
    return cleaned, tuple(starts)


def ocr_spans(boxes: list[tuple[tuple[str, float], ...]], text: str,
              starts: tuple[int, ...]) -> tuple[tuple[int, int, float], ...]:
    """Where each OCR text box of each page landed in the cleaned text, with its confidence.

    Args:
        boxes: per page, the (text, confidence) of each box read by OCR (empty for pages with a text layer).
        text: the cleaned text of all pages.
        starts: where each page starts in ``text``.
    """
    out: list[tuple[int, int, float]] = []
    for k, page_boxes in enumerate(boxes):
        if not page_boxes:
            continue
        lo = starts[k]
        hi = starts[k + 1] if k + 1 < len(starts) else len(text)
        offs = [i for i in range(lo, hi) if not text[i].isspace()]
        squashed = "".join(text[i] for i in offs)
        pos = 0
        for box, conf in page_boxes:
            b = re.sub(r"\s+", "", re.sub(r"(?<=\d)．(?=\d)", ".", box.translate(TRANSLATE)))
            j = squashed.find(b, pos) if b else -1
            j = squashed.find(b) if j < 0 and b else j
            if j >= 0:
                out.append((offs[j], offs[j + len(b) - 1] + 1, conf))
                pos = j + len(b)
    return tuple(sorted(out))


def page_of(doc: Document, offset: int) -> int:
    """The 1-based page of ``doc`` holding ``offset`` in its text; 0 when the document has no page starts."""
    return page_at(doc.pages, offset)


def page_at(starts: tuple[int, ...], offset: int) -> int:
    """The 1-based page holding ``offset``, given where each page starts (``Document.pages``); 0 without starts."""
    if not starts:
        return 0
    return max(1, bisect_right(starts, offset))


def stamp(doc: Document, chunks: list[Chunk], figures: list[Figure]) -> tuple[list[Chunk], list[Figure]]:
    """Chunks and figures with their page: a chunk's where it starts, a figure's where its number stands; a
    figure read by OCR also gets ``extra["ocr_conf"]``, the recognition confidence of its number (0–1)."""
    if not doc.pages:
        return chunks, figures
    out_chunks = [replace(c, page=page_of(doc, c.start)) for c in chunks]
    out_figures = []
    for f in figures:
        at, to = f.extra.get("num_start", ""), f.extra.get("num_end", "")
        start = int(at) if at.isdigit() else f.start
        end = int(to) if to.isdigit() else f.end
        page = page_of(doc, start)
        if doc.ocr:
            conf = _ocr_conf(doc, start, end, page)
            if conf is not None:
                f = replace(f, extra={**f.extra, "ocr_conf": f"{conf:.3f}"})
        out_figures.append(replace(f, page=page))
    return out_chunks, out_figures


def _ocr_conf(doc: Document, start: int, end: int, page: int) -> float | None:
    """The OCR confidence of the number at [start, end): its box's, else the lowest on its page (None: not OCR)."""
    hit = [c for s, e, c in doc.ocr if s < end and start < e]
    if hit:
        return min(hit)
    lo = doc.pages[page - 1] if page else 0
    hi = doc.pages[page] if 0 < page < len(doc.pages) else len(doc.text)
    on_page = [c for s, _, c in doc.ocr if lo <= s < hi]
    return min(on_page) if on_page else None
