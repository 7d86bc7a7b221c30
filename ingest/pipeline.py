"""Ingest one file at a time, atomically: chunks, vectors and figures land together or not at all."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ReportQAError
from core.records import Document, Figure
from ingest.chunk import split
from ingest.figures import extract
from ingest.load import SUPPORTED, load_document
from ingest.meta import detect
from ingest.pages import LOW_OCR, page_of, stamp
from ingest.tables import tab_rows

if TYPE_CHECKING:
    from vectorstore.chroma import ChromaStore
    from vectorstore.figures import Correction, FigureStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    name: str
    status: str  # "added" | "replaced" | "unchanged" | "duplicate" | "skipped" | "error"
    message: str = ""
    doc_id: str = ""
    n_chunks: int = 0
    n_figures: int = 0
    org: str | None = None
    year: int | None = None
    pages: int = 0  # pages of the source file (1 for a text file)
    ocr_pages: int = 0  # of them, pages read by OCR (no text layer)
    tables: int = 0  # tables found (a table continued on the next page under its header counts once)
    warnings: tuple[str, ...] = ()  # what a reader should check: pages read by OCR, figures read unsurely


def skipped(paths: list[Path]) -> list[IngestResult]:
    """The files inside named folders that ``expand`` leaves out, each with why: its type is not one a loader
    reads, or it is no regular file (a looping or dangling link, a pipe; hidden files, such as ".DS_Store",
    aside); and a named folder holding no report at all."""
    out: list[IngestResult] = []
    for p in paths:
        if not p.is_dir():
            continue
        entries = sorted(f for f in p.rglob("*") if not _hidden(f.relative_to(p)))
        files = [f for f in entries if f.is_file()]
        for f in entries:
            if not f.is_file() and not f.is_dir():
                out.append(IngestResult(f.relative_to(p).as_posix(), "skipped", "not a regular file (a link that "
                                        "loops or points nowhere, a pipe or a device)"))
        for f in files:
            if f.suffix.lower() not in SUPPORTED:
                kind = f"'{f.suffix}'" if f.suffix else "no extension"
                out.append(IngestResult(f.relative_to(p).as_posix(), "skipped",
                                        f"not a report file type ({kind}); reads {', '.join(sorted(SUPPORTED))}"))
        if not any(f.suffix.lower() in SUPPORTED for f in files):
            out.append(IngestResult(str(p), "error", f"{p}: no report file in this folder "
                                    f"({len(files)} other file(s)); reads {', '.join(sorted(SUPPORTED))}"))
    return out


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def expand(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files named directly, plus the supported files inside named folders (sorted), each with its document
    name: a file named directly is its file name; a file found in a folder is its path relative to that
    folder ("a/自评报告.pdf" and "b/自评报告.pdf" are two documents)."""
    out: list[tuple[Path, str]] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                           and not _hidden(f.relative_to(p)))
            out.extend((f, f.relative_to(p).as_posix()) for f in found)
        else:
            out.append((p, p.name))
    return out


def _named(message: str, path: Path, name: str) -> str:
    """An error message naming the document, not the server path of its file (a link that loops included)."""
    for shown in sorted({os.path.realpath(path), os.path.abspath(path), str(path)}, key=len, reverse=True):
        message = message.replace(shown, name)
    return message


def ingest_file(path: Path, store: FigureStore, chroma: ChromaStore, *, org: str | None = None,
                year: int | None = None, report_type: str | None = None, force: bool = False,
                name: str | None = None) -> IngestResult:
    """Ingest one report. Bad input comes back as an "error" result naming the file; nothing stored changes.

    ``name`` is the document's identity when not the file name (see ``expand``; an upload keeps its original
    name while its file has a generated one). A report whose normalised text is already stored under another
    name comes back as "duplicate" and is not stored again.

    Organisation, fiscal year and report type: a correction stored for this file name (`reportqa docs set`)
    wins, then the values given here, then detection; each with its confidence. ``force`` processes an
    unchanged file again (after an upgrade of cleaning or extraction); the stored version is replaced in one
    step, so a failure leaves it as it was.
    """
    from vectorstore.bm25 import tokenize

    name = name or path.name
    try:
        doc = load_document(path, org=org, year=year, report_type=report_type, name=name)
    except ReportQAError as e:
        return IngestResult(name, "error", _named(str(e), path, name))
    doc = tag(doc, store.correction(doc.name), org=org, year=year, report_type=report_type)
    old = store.get_document(doc.name)
    if (old is not None and old.id == doc.id and not force
            and (old.org, old.year, old.report_type) == (doc.org, doc.year, doc.report_type)
            and (old.org_confidence, old.year_confidence, old.type_confidence)
            == (doc.org_confidence, doc.year_confidence, doc.type_confidence)):
        return IngestResult(doc.name, "unchanged", "already ingested, file unchanged", doc.id,
                            old.n_chunks, old.n_figures, old.org, old.year)
    same = store.same_text(doc.text_key, doc.name)
    if same is not None:
        return IngestResult(doc.name, "duplicate", f"{doc.name}: the same text is already stored as {same.name!r} "
                            "(another name or encoding); not stored again", same.id, same.n_chunks, same.n_figures,
                            same.org, same.year)
    chunks = split(doc)
    figures = extract(doc, chunks)
    chunks, figures = stamp(doc, chunks, figures)  # the source page of each
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
    return IngestResult(doc.name, status, "", doc.id, len(chunks), len(figures), doc.org, doc.year,
                        **_summary(doc, figures))


def _summary(doc: Document, figures: list[Figure]) -> dict[str, Any]:
    """Pages, OCR pages, tables and warnings of an ingested document, for the per-file summary."""
    ocr = sorted({page_of(doc, s) for s, _, _ in doc.ocr})
    tables = {(r.table, tuple(r.header or ())) for r in tab_rows(doc.text)}
    unsure = [f for f in figures if f.extra.get("ocr_conf") and float(f.extra["ocr_conf"]) < LOW_OCR]
    warnings = []
    if ocr:
        warnings.append(f"page(s) {', '.join(map(str, ocr))} read by OCR (no text layer)")
    if unsure:
        warnings.append(f"{len(unsure)} figure(s) read by OCR with confidence below {LOW_OCR}: check them")
    return {"pages": max(1, len(doc.pages)), "ocr_pages": len(ocr), "tables": len(tables),
            "warnings": tuple(warnings)}


def tag(doc: Document, fix: Correction | None, *, org: str | None = None, year: int | None = None,
        report_type: str | None = None) -> Document:
    """The document with its organisation, fiscal year and report type settled, and a confidence for each.

    A stored correction wins (confidence 1.0), then a value given at ingest (1.0), then what ``ingest.meta``
    detects in the text, with the confidence it reports.
    """
    meta = detect(doc.text, doc.name)
    out: dict[str, object] = {}
    for name, conf, given, found, confidence in (("org", "org_confidence", org, meta.org, meta.org_confidence),
                                                 ("year", "year_confidence", year, meta.year, meta.year_confidence),
                                                 ("report_type", "type_confidence", report_type, meta.report_type,
                                                  meta.type_confidence)):
        fixed = getattr(fix, name) if fix is not None else None
        settled = fixed if fixed is not None else given
        out[name] = settled if settled is not None else found
        out[conf] = 1.0 if settled is not None else (confidence if found is not None else 0.0)
    return replace(doc, **out)  # type: ignore[arg-type]


def ingest_paths(paths: list[Path], store: FigureStore, chroma: ChromaStore, *,
                 progress: Callable[[int, int, str], None] | None = None, names: list[str] | None = None,
                 **overrides: object) -> list[IngestResult]:
    """Ingest every file; one bad file does not stop the others (``skipped`` says what folders hold besides).

    ``names``, one per path (files only), are the document names to use instead of those ``expand`` gives:
    the original names of uploads stored under generated file names.
    """
    if names is not None and len(names) != len(paths):
        raise ReportQAError(f"need one name per file, got {len(paths)} files and {len(names)} names")
    files = list(zip(paths, names, strict=True)) if names is not None else expand(paths)
    results: list[IngestResult] = []
    seen: dict[str, Path] = {}
    for i, (f, name) in enumerate(files):
        if progress:
            progress(i, len(files), name)
        if name in seen and os.path.realpath(seen[name]) != os.path.realpath(f):
            results.append(IngestResult(name, "error", f"{name}: another file of this batch has the same name "
                                        f"({seen[name]}); ingest their common folder to keep both"))
            continue
        seen[name] = f
        try:
            results.append(ingest_file(f, store, chroma, name=name, **overrides))  # type: ignore[arg-type]
        except ReportQAError as e:
            results.append(IngestResult(name, "error", _named(str(e), f, name)))
        except Exception as e:  # a bug or a store failure: report it for this file, keep going
            log.exception("ingest of %s failed", f)
            results.append(IngestResult(name, "error", _named(f"{name}: ingest failed, nothing stored: {e}", f, name)))
        log.info("%s: %s", name, results[-1].status)
    if progress:
        progress(len(files), len(files), "")
    return results
