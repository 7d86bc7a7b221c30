"""Read a report file safely (encoding, empty and binary checks), clean it and tag it with its metadata."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from core.errors import BadInput
from core.records import Document
from ingest.clean import clean
from ingest.meta import detect

log = logging.getLogger(__name__)

SUPPORTED: frozenset[str] = frozenset({".txt", ".md"})
MAX_BAD_SHARE = 0.02  # share of control / replacement characters above which decoded "text" is garbage


def read_text(path: Path) -> tuple[str, str]:
    """Read a text report and return its decoded text and the sha256 of its bytes.

    Tries UTF-8 (a BOM is stripped), then GB18030 (covers GBK/GB2312), both strictly; only then asks
    charset-normalizer. UTF-16 files with a BOM are accepted too.

    Args:
        path: the file to read.

    Returns:
        (text, sha256 hex digest of the raw bytes).

    Raises:
        BadInput: one line naming the file and the problem: missing, unsupported extension, empty,
            binary, or not decodable as text.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{path}: file not found; check the path and try again")
    if not path.is_file():
        raise BadInput(f"{path}: not a regular file; pass a report file or a folder to ingest")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        got = f"'{path.suffix}'" if path.suffix else "no extension"
        raise BadInput(f"{path}: unsupported file type ({got}); supported: {', '.join(sorted(SUPPORTED))}")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BadInput(f"{path}: cannot read the file ({e.strerror or e}); check its permissions") from e
    digest = hashlib.sha256(raw).hexdigest()
    if not raw:
        raise BadInput(f"{path}: the file is empty (0 bytes); expected the text of a report")
    text = decode(raw, path)
    if not text.strip():
        raise BadInput(f"{path}: the file contains only whitespace; expected the text of a report")
    return text, digest


def decode(raw: bytes, path: Path) -> str:
    """Decode report bytes: UTF-8 / UTF-8-BOM, UTF-16 with BOM, GB18030, then charset-normalizer's best guess."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check(raw.decode("utf-16"), path)
        except UnicodeDecodeError as e:
            raise BadInput(f"{path}: starts with a UTF-16 mark but is not valid UTF-16; save it as UTF-8") from e
    if b"\x00" in raw:
        raise BadInput(f"{path}: looks binary (contains NUL bytes), not a text report; "
                       "convert it to a UTF-8 .txt or .md file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return _check(raw.decode(encoding), path)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise BadInput(f"{path}: cannot decode as text (not UTF-8, not GB18030/GBK, no other encoding fits): "
                       "binary data or an unknown encoding; save it as UTF-8 and retry")
    log.info("%s: decoded as %s (guessed)", path, best.encoding)
    return _check(str(best), path)


def _check(text: str, path: Path) -> str:
    """Refuse decoded text that is mostly control or replacement characters (binary data that happened to decode)."""
    text = text.lstrip("\ufeff")
    if not text:
        return text
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\v"))
    if bad / len(text) > MAX_BAD_SHARE:
        raise BadInput(f"{path}: looks binary ({bad} control or undecodable characters in {len(text)}), "
                       "not a text report; convert it to a UTF-8 .txt or .md file")
    return text


def load_document(path: Path, *, org: str | None = None, year: int | None = None,
                  report_type: str | None = None) -> Document:
    """Read, clean and tag one report; explicit ``org``/``year``/``report_type`` win over detection.

    Args:
        path: the report file.
        org: organisation override (e.g. from the command line).
        year: report year override.
        report_type: report type override.

    Returns:
        The Document; ``name`` is the file name, ``path`` the full path, ``text`` the cleaned text.

    Raises:
        BadInput: the file cannot be used (see ``read_text``), or nothing is left after cleaning.
    """
    path = Path(path)
    raw, digest = read_text(path)
    text = clean(raw)
    if not text.strip():
        raise BadInput(f"{path}: nothing but page numbers and markup is left after cleaning; "
                       "expected the text of a report")
    meta = detect(text, path.name)
    return Document(
        name=path.name,
        text=text,
        sha256=digest,
        org=org or meta.org,
        year=year or meta.year,
        report_type=report_type or meta.report_type,
        title=meta.title,
        path=str(path.resolve()),
    )
