"""Plain-text reports (.txt, .md): decoding (UTF-8, UTF-16 with BOM, GB18030, then a guess) and binary checks."""

from __future__ import annotations

import logging
from pathlib import Path

from core.errors import BadInput
from core.protocols import Page

log = logging.getLogger(__name__)

MAX_BAD_SHARE = 0.02  # share of control / replacement characters above which decoded "text" is garbage


class TextLoader:
    """A text file is one page."""

    suffixes: tuple[str, ...] = (".txt", ".md")

    def load(self, path: Path) -> list[Page]:
        return [Page(1, decode(path.read_bytes(), path))]


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
