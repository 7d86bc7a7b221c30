"""Uploaded reports on disk: stored under generated file names; the original name is the document's name."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING

from core.errors import BadInput

if TYPE_CHECKING:
    from app.pipeline import Assistant
    from ingest.pipeline import IngestResult

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 1000  # an original name longer than this is refused (it is only metadata, any script is fine)
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")
KEEP = ("added", "replaced")  # ingest results whose uploaded file a stored document now uses


def original_name(filename: str | None) -> str:
    """The name an upload was sent with, without any folder part: what the document is called and cited as.

    Raises:
        BadInput: empty, control characters, or longer than ``MAX_NAME_CHARS``.
    """
    name = PureWindowsPath(Path(filename or "").name).name.strip()
    if not name or name in (".", "..") or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise BadInput(f"upload file name {str(filename)[:80]!r} is not usable; send a plain name such as report.txt")
    if len(name) > MAX_NAME_CHARS:
        raise BadInput(f"upload file name {name[:40]!r}… has {len(name)} characters; at most {MAX_NAME_CHARS}")
    return name


def stored_name(original: str) -> str:
    """A short generated file name keeping the original's type suffix: "3f2a…9c.pdf"."""
    m = _SUFFIX.search(original)
    return uuid.uuid4().hex + (m.group(0).lower() if m else "")


def save(read: Callable[[int], bytes], original: str, folder: Path, max_bytes: int) -> Path:
    """Write an upload under a generated name, via a temporary file so readers never see half a file.

    Args:
        read: reads up to n bytes of the upload (b"" at the end).
        original: the name it was sent with (for messages).
        folder: the uploads folder.
        max_bytes: larger uploads are refused and nothing is left on disk.

    Raises:
        BadInput: too large, or the file cannot be written (the message names the upload, not the server path).
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / stored_name(original)
    tmp, size = folder / f".{target.name}.part", 0
    try:
        with tmp.open("wb") as out:
            while block := read(1 << 20):
                size += len(block)
                if size > max_bytes:
                    raise BadInput(f"{original} is larger than {max_bytes >> 20} MB; split it or upload the text")
                out.write(block)
        return tmp.replace(target)
    except OSError as e:
        raise BadInput(f"{original}: the upload could not be stored ({e.strerror or type(e).__name__})") from e
    finally:
        tmp.unlink(missing_ok=True)


def discard(paths: Iterable[Path]) -> None:
    """Remove uploaded files no stored document uses (failed, unchanged or duplicate uploads)."""
    for p in paths:
        try:
            p.unlink(missing_ok=True)
        except OSError as e:
            log.warning("could not remove the unused upload %s: %s", p.name, e)


def inside(path: str, folder: Path) -> Path | None:
    """``path`` resolved, when it lies inside ``folder``; else None."""
    if not path:
        return None
    p = Path(path).resolve()
    return p if p.is_relative_to(folder.resolve()) else None


def ingest_saved(assistant: Assistant, saved: list[tuple[Path, str]],
                 progress: Callable[[int, int, str], None] | None = None) -> list[IngestResult]:
    """Ingest saved uploads under their original names, then remove the files no document uses: failed,
    unchanged and duplicate uploads, and the earlier upload of a document this one replaced."""
    if not saved:
        return []
    folder = saved[0][0].parent
    before = {d.name: d.path for d in assistant.documents()}
    results = assistant.ingest([p for p, _ in saved], names=[n for _, n in saved], progress=progress)
    unused = [p for (p, _), r in zip(saved, results, strict=True) if r.status not in KEEP]
    for (p, name), r in zip(saved, results, strict=True):
        old = inside(before.get(name, ""), folder)
        if r.status == "replaced" and old is not None and old != p.resolve():
            unused.append(old)
    discard(unused)
    return results
