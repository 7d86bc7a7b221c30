"""Ingest one file at a time, atomically: chunks, vectors and figures land together or not at all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ReportQAError
from ingest.chunk import split
from ingest.figures import extract
from ingest.load import SUPPORTED, load_document

if TYPE_CHECKING:
    from vectorstore.chroma import ChromaStore
    from vectorstore.figures import FigureStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    name: str
    status: str  # "added" | "replaced" | "unchanged" | "error"
    message: str = ""
    doc_id: str = ""
    n_chunks: int = 0
    n_figures: int = 0
    org: str | None = None
    year: int | None = None


def expand(paths: list[Path]) -> list[Path]:
    """Files named directly, plus the supported files inside named folders (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def ingest_file(path: Path, store: FigureStore, chroma: ChromaStore, *, org: str | None = None,
                year: int | None = None, report_type: str | None = None, force: bool = False) -> IngestResult:
    """Ingest one report. Bad input comes back as an "error" result naming the file; nothing stored changes.

    ``force`` processes an unchanged file again (after an upgrade of cleaning or extraction); the stored
    version is replaced in one step, so a failure leaves it as it was.
    """
    from vectorstore.bm25 import tokenize

    try:
        doc = load_document(path, org=org, year=year, report_type=report_type)
    except ReportQAError as e:
        return IngestResult(path.name, "error", str(e))
    old = store.get_document(doc.name)
    if (old is not None and old.id == doc.id and not force
            and (old.org, old.year, old.report_type) == (doc.org, doc.year, doc.report_type)):
        return IngestResult(doc.name, "unchanged", "already ingested, file unchanged", doc.id,
                            old.n_chunks, old.n_figures, old.org, old.year)
    chunks = split(doc)
    figures = extract(doc, chunks)
    tokens = [tokenize(c.text) for c in chunks]
    # vectors first (new ids), then the SQL transaction that makes the document visible, then cleanup
    chroma.add(chunks, doc.org, doc.year)
    try:
        replaced = store.replace_document(doc, chunks, figures, tokens)
    except Exception:
        if not old or old.id != doc.id:
            chroma.delete_doc(doc.id)
        raise
    if replaced is not None and replaced.id != doc.id:
        chroma.delete_doc(replaced.id)
    elif replaced is not None:
        keep = {c.id for c in chunks}
        stale = [i for i in chroma.chunk_ids(doc.id) if i not in keep]
        chroma.delete_ids(stale)
    status = "replaced" if replaced is not None else "added"
    return IngestResult(doc.name, status, "", doc.id, len(chunks), len(figures), doc.org, doc.year)


def ingest_paths(paths: list[Path], store: FigureStore, chroma: ChromaStore, *,
                 progress: Callable[[int, int, str], None] | None = None, **overrides: object) -> list[IngestResult]:
    """Ingest every file; one bad file does not stop the others."""
    files = expand(paths)
    results: list[IngestResult] = []
    for i, f in enumerate(files):
        if progress:
            progress(i, len(files), f.name)
        try:
            results.append(ingest_file(f, store, chroma, **overrides))  # type: ignore[arg-type]
        except ReportQAError as e:
            results.append(IngestResult(f.name, "error", str(e)))
        except Exception as e:  # a bug or a store failure: report it for this file, keep going
            log.exception("ingest of %s failed", f)
            results.append(IngestResult(f.name, "error", f"{f}: ingest failed, nothing stored: {e}"))
        log.info("%s: %s", f.name, results[-1].status)
    if progress:
        progress(len(files), len(files), "")
    return results
