"""Read a report file of any supported type safely, clean it and tag it with its metadata and page starts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from core.errors import BadInput
from core.protocols import Page
from core.records import Document
from ingest.loaders import loader_for, supported
from ingest.loaders.text import TextLoader, decode
from ingest.meta import detect
from ingest.pages import join_pages, ocr_spans

SUPPORTED: frozenset[str] = supported()

__all__ = ["SUPPORTED", "decode", "load_document", "load_pages", "read_text"]


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        if path.is_symlink():
            raise BadInput(f"{path}: a symbolic link to nothing readable (it loops or its target is gone)")
        raise BadInput(f"{path}: file not found; check the path and try again")
    if not path.is_file():
        raise BadInput(f"{path}: not a regular file; pass a report file or a folder to ingest")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BadInput(f"{path}: cannot read the file ({e.strerror or e}); check its permissions") from e
    if not raw:
        raise BadInput(f"{path}: the file is empty (0 bytes); expected a report")
    return raw


def load_pages(path: Path) -> tuple[list[Page], str]:
    """Read a report with the loader for its type and return its pages and the sha256 of its bytes.

    Raises:
        BadInput: one line naming the file and the problem: missing, unsupported type, a type other than
            its suffix says, empty, encrypted, damaged, binary, or a page without text that OCR cannot read.
    """
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        loader_for(path, b"")  # raises the unsupported-type message
    raw = _read_bytes(path)
    loader = loader_for(path, raw[:4096])
    try:
        pages = loader.load(path)
    except BadInput:
        raise
    except Exception as e:  # a library failing on a damaged file: name the file, never a traceback
        raise BadInput(f"{path}: cannot read the {path.suffix.lower()} file ({type(e).__name__}: "
                       f"{str(e).splitlines()[0][:120] if str(e) else ''}); the file is damaged") from e
    if not any(p.text.strip() for p in pages):
        raise BadInput(f"{path}: the file contains only whitespace; expected the text of a report")
    return pages, hashlib.sha256(raw).hexdigest()


def read_text(path: Path) -> tuple[str, str]:
    """Read a plain-text report (.txt, .md): its decoded text and the sha256 of its bytes.

    Tries UTF-8 (a BOM is stripped), then GB18030 (covers GBK/GB2312), both strictly; only then asks
    charset-normalizer. UTF-16 files with a BOM are accepted too.

    Raises:
        BadInput: as ``load_pages``; also for a supported type that is not plain text.
    """
    path = Path(path)
    if path.suffix.lower() in SUPPORTED and path.suffix.lower() not in TextLoader.suffixes:
        raise BadInput(f"{path}: not a plain-text report ({path.suffix}); read it with load_document")
    pages, digest = load_pages(path)
    return "".join(p.text for p in pages), digest


def load_document(path: Path, *, org: str | None = None, year: int | None = None,
                  report_type: str | None = None, name: str | None = None) -> Document:
    """Read, clean and tag one report; explicit ``org``/``year``/``report_type`` win over detection.

    Args:
        path: the report file (.txt, .md, .pdf, .docx, .xlsx, .xls, .csv, .html).
        org: organisation override (e.g. from the command line).
        year: report year override.
        report_type: report type override.
        name: the document's name (its identity and what citations show) when not the file name: the
            path relative to an ingested folder, or the original name of an upload stored under another.

    Returns:
        The Document; ``name`` is the file name, ``path`` the full path, ``text`` the cleaned text of the
        pages joined, ``pages`` the offset in ``text`` where each page starts.

    Raises:
        BadInput: the file cannot be used (see ``load_pages``), or nothing is left after cleaning.
    """
    path = Path(path)
    pages, digest = load_pages(path)
    text, starts = join_pages([p.text for p in pages])
    ocr = ocr_spans([getattr(p, "boxes", ()) for p in pages], text, starts)
    if not text.strip():
        raise BadInput(f"{path}: nothing but page numbers and markup is left after cleaning; "
                       "expected the text of a report")
    meta = detect(text, name or path.name)
    return Document(
        name=name or path.name,
        text=text,
        sha256=digest,
        org=org or meta.org,
        year=year or meta.year,
        report_type=report_type or meta.report_type,
        title=meta.title,
        path=str(path.resolve()),
        pages=starts,
        ocr=ocr,
    )
