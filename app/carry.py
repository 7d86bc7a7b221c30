"""The answer state of a new store generation, built from the last one: what belongs to documents unchanged since
(the same stored row: id, name, organisation, year, type …) is taken over, and only new or changed documents are
read from SQL and worked out again. A refresh during an ingest then costs what the new documents cost, not what
the whole corpus costs (BM25 is still rebuilt: bm25s has no incremental add)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.records import Chunk, Figure
    from vectorstore.figures import DocumentInfo, FigureStore

WHOLE = 50  # more new documents than this: read every figure in one query rather than one query per document


def kept(previous: Any, docs: list[DocumentInfo]) -> frozenset[str]:
    """Ids of the documents stored exactly as when ``previous`` (an answer state, or None) was built."""
    if previous is None:
        return frozenset()
    before = set(previous.docs)
    return frozenset(d.id for d in docs if d in before)


def chunks(store: FigureStore, previous: Any, docs: list[DocumentInfo], keep: frozenset[str]) -> dict[str, Chunk]:
    """Every stored chunk by id, in the store's order; those of kept documents from ``previous``."""
    if previous is None:
        return {c.id: c for c in store.chunks()}
    old = [c for c in previous.chunks.values() if c.doc_id in keep]
    new = store.chunks([d.id for d in docs if d.id not in keep])
    return {c.id: c for c in sorted(old + new, key=lambda c: (c.doc_name, c.index, c.start, c.end))}


def figures(store: FigureStore, previous: Any, docs: list[DocumentInfo], keep: frozenset[str]) -> list[Figure]:
    """Every stored figure, in the store's order; those of kept documents from ``previous``'s figure index."""
    fresh = [d.id for d in docs if d.id not in keep]
    if previous is None or len(fresh) > WHOLE:
        return store.figures()
    old = [v.fig for v in previous.figqa.views if v.fig.doc_id in keep]
    new = [f for doc_id in fresh for f in store.figures(doc_id=doc_id)]
    return sorted(old + new, key=lambda f: (f.doc_name, f.start, f.end, f.id))


def grams(previous: Any, docs: list[DocumentInfo], texts: Mapping[str, str],
          keep: frozenset[str]) -> list[frozenset[str]] | None:
    """Each report's character pairs (see ``Assistant._mentioned``) when ``previous`` had worked them out: those
    of kept documents taken over, the others worked out now (by the writer, not by the next question)."""
    if previous is None or previous.grams is None:
        return None
    old = dict(zip((d.id for d in previous.docs), previous.grams, strict=True))
    return [old[d.id] if d.id in keep else doc_grams(d, texts.get(d.id, "")) for d in docs]


def doc_grams(doc: DocumentInfo, text: str) -> frozenset[str]:
    """The character pairs of a report's organisation and text."""
    from app.scoring.cues import bigrams, normalize

    return bigrams(normalize(doc.org or "") + normalize(text))
