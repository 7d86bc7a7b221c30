"""Seconds per page of ingest reading: PDF pages with a text layer, and scanned pages read by OCR.

Measured on the published PDFs in ``tests/data/formats`` (a clone has them): the text-layer time is reading,
cleaning, chunking and figure extraction of whole reports, divided by their pages; the OCR time is the same for
an image-only copy of a few of their pages, rendered at 150 dpi as a scanner would deliver them. Embedding is
left out (``reportqa bench`` times it apart).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FORMATS = Path(__file__).resolve().parents[1] / "tests" / "data" / "formats"
OCR_PAGES = (1, 9, 21)  # 0-based pages of the 预算 report rendered as scans: cover, a table, prose
DPI = 150


def _read(path: Path) -> int:
    """Ingest reading of one file without embedding; its page count."""
    from ingest.chunk import split
    from ingest.figures import extract
    from ingest.load import load_document
    from ingest.pages import stamp

    doc = load_document(path)
    chunks = split(doc)
    stamp(doc, chunks, extract(doc, chunks))
    return max(1, len(doc.pages))


def _scan(source: Path, pages: tuple[int, ...], out: Path) -> Path:
    """An image-only PDF of some pages of ``source`` (no text layer), as a scanner makes one."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    images = [pdf[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in pages if i < len(pdf)]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=DPI)
    return out


def run_page_speed(say: Callable[[str], None], folder: Path = FORMATS) -> dict[str, float]:
    """Time text-layer and OCR pages; ``say`` gets one line per measure. Empty when the PDFs are missing."""
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        say(f"page speed: no PDF in {folder}; skipped")
        return {}
    t0 = time.perf_counter()
    pages = sum(_read(p) for p in pdfs)
    text_s = (time.perf_counter() - t0) / pages
    say(f"PDF page with a text layer (read, clean, chunk, figures): {text_s:.2f} s/page ({pages} pages, "
        f"{len(pdfs)} reports)")
    result = {"text_page_s": round(text_s, 3), "text_pages": float(pages)}
    from ingest.loaders.ocr import available

    if not available():
        say("OCR page: rapidocr is not installed; skipped")
        return result
    with tempfile.TemporaryDirectory() as tmp:
        scan = _scan(pdfs[-1], OCR_PAGES, Path(tmp) / "scan.pdf")
        t0 = time.perf_counter()
        n = _read(scan)
        ocr_s = (time.perf_counter() - t0) / n
    say(f"scanned page read by OCR ({DPI} dpi): {ocr_s:.2f} s/page ({n} pages)")
    return {**result, "ocr_page_s": round(ocr_s, 3), "ocr_pages": float(n)}
