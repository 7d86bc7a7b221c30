"""A page of a stored PDF as a PNG image, with a cited quote highlighted where it stands on the page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import BadInput, NotFound

if TYPE_CHECKING:
    from ingest.loaders.pdflayout import Char

SCALE = 1.5  # 108 dpi: readable on a screen, small enough to send
MAX_QUOTE = 400
HIGHLIGHT = (255, 214, 0, 90)  # translucent yellow


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def quote_boxes(path: Path, page: int, quote: str) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom, in PDF points from the top left) of the characters of ``quote`` on ``page``
    (1-based), one per line it spans; [] when the page's text layer does not hold it (a scan, another page).

    The quote is matched with whitespace removed, as the text layer and the cleaned text space words apart
    differently; its first occurrence on the page is used.
    """
    import pdfplumber

    from ingest.loaders.pdflayout import LINE_TOLERANCE, chars_of

    want = _squash(quote)[:MAX_QUOTE]
    if not want:
        return []
    with pdfplumber.open(path) as pdf:
        chars = sorted(chars_of(pdf.pages[page - 1].dedupe_chars().chars), key=lambda c: (c.base, c.x0))
    lines: list[list[Char]] = []  # by baseline, as ingest reads them (digits set lower stay on their line)
    for c in chars:
        if lines and abs(c.base - lines[-1][0].base) <= LINE_TOLERANCE * max(c.size, lines[-1][0].size):
            lines[-1].append(c)
        else:
            lines.append([c])
    ordered = [c for line in lines for c in sorted(line, key=lambda c: c.x0)]
    at = "".join(c.text for c in ordered).find(want)
    if at < 0:
        return []
    boxes: dict[int, list[float]] = {}
    line_of = {id(c): i for i, line in enumerate(lines) for c in line}
    for c in ordered[at:at + len(want)]:
        box = boxes.setdefault(line_of[id(c)], [c.x0, c.top, c.x1, c.bottom])
        box[0], box[1], box[2], box[3] = min(box[0], c.x0), min(box[1], c.top), max(box[2], c.x1), max(box[3], c.bottom)
    return [(b[0], b[1], b[2], b[3]) for _, b in sorted(boxes.items())]


def render_page(path: Path, page: int, quote: str = "") -> bytes:
    """Page ``page`` (1-based) of the PDF at ``path`` as PNG bytes, ``quote`` highlighted when found on it.

    Raises:
        NotFound: the file is gone or has no such page.
        BadInput: the file is not a PDF (a text, Word or Excel report has no page image).
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    if path.suffix.lower() != ".pdf":
        raise BadInput(f"{path.name}: not a PDF; only PDF reports have page images (the quote is in the text)")
    if not path.is_file():
        raise NotFound(f"{path.name}: the original file is no longer at {path.parent.name}/; ingest it again")
    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise NotFound(f"{path.name} has {len(pdf)} pages, not a page {page}")
        image = pdf[page - 1].render(scale=SCALE).to_pil().convert("RGBA")
    finally:
        pdf.close()
    boxes = quote_boxes(path, page, quote) if quote else []
    if boxes:
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for x0, top, x1, bottom in boxes:
            draw.rectangle([x0 * SCALE - 2, top * SCALE - 2, x1 * SCALE + 2, bottom * SCALE + 2], fill=HIGHLIGHT)
        image = Image.alpha_composite(image, layer)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
