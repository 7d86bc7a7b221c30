"""Where each citation stands in the source file (its page), and a warning for numbers read unsurely by OCR."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.answer import Answer
from ingest.pages import LOW_OCR, page_at

if TYPE_CHECKING:
    from vectorstore.figures import FigureStore


def paginate(answer: Answer, store: FigureStore) -> Answer:
    """``answer`` with ``page`` set on every citation: the 1-based page of the source file holding the start of
    its quote, found from where the stored document's pages start. A citation of a document stored without page
    starts (ingested before they were kept) keeps the page it came with. A number in a cited span that OCR read
    with a confidence below ``LOW_OCR`` adds a warning to check it against the page.

    Args:
        answer: an answer from ``Assistant.ask``; its citations are changed in place.
        store: the SQL store holding the cited documents.

    Returns:
        The same answer.
    """
    if not answer.citations:
        return answer
    starts = store.page_starts(c.doc for c in answer.citations)
    for c in answer.citations:
        pages = starts.get(c.doc, ())
        if pages:
            c.page = page_at(pages, c.start)
    _flag_unsure(answer, store)
    return answer


def _flag_unsure(answer: Answer, store: FigureStore) -> None:
    """Warn about every cited number that was read from a page image with low OCR confidence."""
    cited = {c.chunk_id for c in answer.citations if c.chunk_id}
    if not cited:
        return
    for f in store.figures_in_chunks(sorted(cited)):
        conf = f.extra.get("ocr_conf")
        at = int(f.extra.get("num_start", f.start))
        inside = any(c.chunk_id == f.chunk_id and c.start <= at < c.end for c in answer.citations)
        if conf and inside and float(conf) < LOW_OCR:
            shown = f"第{f.page}页" if f.page else "原件"
            warning = f"“{f.display}”由OCR从扫描页识别，置信度{float(conf):.2f}，请对照{shown}核对"
            if warning not in answer.warnings:
                answer.warnings.append(warning)
