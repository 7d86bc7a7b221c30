"""The page of the source file on which each citation's quote starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.answer import Answer
from ingest.pages import page_at

if TYPE_CHECKING:
    from vectorstore.figures import FigureStore


def paginate(answer: Answer, store: FigureStore) -> Answer:
    """``answer`` with ``page`` set on every citation: the 1-based page of the source file holding the start of
    its quote, found from where the stored document's pages start. A citation of a document stored without page
    starts (ingested before they were kept) keeps the page it came with.

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
    return answer
