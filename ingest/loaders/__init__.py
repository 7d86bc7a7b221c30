"""Loaders by file type: each reads one kind of file into pages of text (``core.protocols.Loader``).

``loader_for`` picks the loader by the file's suffix and checks it against what the first bytes say the
file is: a ``.pdf`` that is really a web page is refused with a clear message, while the mislabelled files
government sites serve every day (an ``.xls`` that is an HTML table or an ``.xlsx``) are read as what
they are. Tables come out as rows of tab-separated cells (``ingest.loaders.table``), the form the cleaner,
the chunker and the figure extractor read.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from core.errors import BadInput
from core.protocols import Loader
from ingest.loaders.docx import DocxLoader
from ingest.loaders.html import HtmlLoader
from ingest.loaders.pdf import PdfLoader
from ingest.loaders.sheet import CsvLoader, XlsLoader, XlsxLoader
from ingest.loaders.text import TextLoader

log = logging.getLogger(__name__)

LOADERS: dict[str, Loader] = {}
WHAT = {".pdf": "a PDF", ".docx": "a Word .docx document", ".xlsx": "an Excel .xlsx workbook",
        ".xls": "a legacy Excel .xls workbook or Word .doc (an OLE file)", ".html": "a web page (HTML)"}
READ_AS = {(".xls", ".xlsx"), (".xls", ".html"), (".xlsx", ".xls"), (".htm", ".html"), (".html", ".html")}
TEXT_SUFFIXES = frozenset({".txt", ".md", ".csv"})  # read as text whatever they hold: the text loader checks


def register(loader: Loader) -> None:
    """Make ``loader`` the one for each of its suffixes (lower case, with the dot)."""
    for suffix in loader.suffixes:
        LOADERS[suffix.lower()] = loader


for _loader in (TextLoader(), PdfLoader(), DocxLoader(), XlsxLoader(), XlsLoader(), CsvLoader(), HtmlLoader()):
    register(_loader)


def supported() -> frozenset[str]:
    """The suffixes some loader reads."""
    return frozenset(LOADERS)


def sniff(path: Path, head: bytes) -> str | None:
    """What the first bytes say the file is, as the suffix of its kind; None when they say nothing sure."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ".xls"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "word/document.xml" in names:
            return ".docx"
        if "xl/workbook.xml" in names:
            return ".xlsx"
        return None
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:512] or b"<body" in start:
        return ".html"
    return None


def loader_for(path: Path, head: bytes) -> Loader:
    """The loader for ``path`` whose first bytes are ``head``.

    Raises:
        BadInput: the suffix is not supported, or the content is another kind of file than the suffix says.
    """
    suffix = path.suffix.lower()
    if suffix not in LOADERS:
        got = f"'{path.suffix}'" if path.suffix else "no extension"
        hint = "; save a legacy Word .doc as .docx" if suffix == ".doc" else ""
        raise BadInput(f"{path}: unsupported file type ({got}); supported: {', '.join(sorted(LOADERS))}{hint}")
    if suffix in TEXT_SUFFIXES:
        return LOADERS[suffix]
    kind = sniff(path, head)
    if kind is None or kind == suffix or (suffix == ".htm" and kind == ".html"):
        return LOADERS[suffix]
    if (suffix, kind) in READ_AS:
        log.warning("%s: named %s but holds %s; read as that", path, suffix, WHAT[kind])
        return LOADERS[kind]
    raise BadInput(f"{path}: named {suffix} but the content is {WHAT.get(kind, kind)}; "
                   f"rename it to {kind} or get the real {suffix} file")


__all__ = ["LOADERS", "loader_for", "register", "sniff", "supported"]
