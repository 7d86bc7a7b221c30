"""Turn extracted report text (PDF dumps, markdown, OCR) into the cleaned-text conventions ingest relies on."""

from __future__ import annotations

import re

from ingest.tables import looks_like_header

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u00b7"
# spaces are PDF wrapping debris between a CJK character/punctuation and a CJK character, digit or bracket
CJK_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}]) +(?=[{CJK}{CJK_PUNCT}0-9(%])|(?<=[0-9)%]) +(?=[{CJK}{CJK_PUNCT}])")
HTML_TAG = re.compile(r"</?(?:p|br|div|span|font|b|strong|i|em|u|sup|sub)(?:\s[^<>]*)?/?>", re.IGNORECASE)
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
PAGE_NO = re.compile(
    r"^(?:[-—–－_]\s*\d{1,4}\s*[-—–－_]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
WIDE_GAP = re.compile(r" {3,}")
LONE_NUMBER = re.compile(r"^\d{1,3}$")
RULE = re.compile(r"^[ \t]*(?:[-*_=][ \t]*){3,}$", re.MULTILINE)  # markdown horizontal rule
# a heading or list item starts here: 一、 （一） 1. 1、 （1） ① 第一章, markdown '#', bullets
MARKER = re.compile(
    r"^(?:#|第[一二三四五六七八九十百零〇\d]+[章节部篇条]|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)]"
    r"|\d{1,2}[.、．)）](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]|[-*•●▪■◆]\s)"
)
TERMINAL = "。！？；：!?;:…."
TITLE_END = re.compile(r"(?:报告|表|说明|目录|通知|函|书)$")
FIELD = re.compile(r"^[^\s：:，。；,;]{1,12}[：:][^，。；,;]*$")
JOIN_START = re.compile(rf"^[{CJK}“‘《「]|^\d(?!\d{{0,2}}[.、．)）](?!\d))")
FULLWIDTH = {**{chr(0xFF10 + i): str(i) for i in range(10)},
             **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
             **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
             "％": "%", "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
             "\ufeff": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\f": "\n", "\v": "\n"}
TRANSLATE = str.maketrans(FULLWIDTH)
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MIN_JOIN_LINE = 20  # a line broken by a page end fills the page width; shorter ones are titles or labels


def clean(text: str) -> str:
    """Normalise report text to the cleaned-text conventions.

    Line ends become ``\n``; full-width digits, letters and ％ become ASCII (Chinese punctuation stays);
    ``<p>`` tags, ``**`` bold markers, page-number lines and markdown rules go; spaces between CJK
    characters, or between CJK and digits, go ("43.7 万 家次" -> "43.7万家次"); markdown pipe tables and
    space-aligned PDF columns become tab rows; table rows lose trailing empty cells and repeated page
    headers, and a cell continued after a page break is merged back; a line or paragraph that stops
    mid-sentence is joined to the next one; paragraphs are separated by one blank line; markdown
    headings keep their '#'. Deterministic and idempotent: ``clean(clean(x)) == clean(x)``.

    Args:
        text: decoded text of a report.

    Returns:
        Cleaned UTF-8 text ending with one newline, or "" when nothing but whitespace is left.
    """
    out = text
    for _ in range(5):  # every pass is a fixpoint step; real texts settle after one or two
        new = _one_pass(out)
        if new == out:
            break
        out = new
    return out


def _one_pass(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(TRANSLATE)
    text = CONTROL.sub("", text)
    text = re.sub(r"(?<=\d)．(?=\d)", ".", text)
    text = HTML_TAG.sub("", text).replace("&nbsp;", " ")
    text = RULE.sub("", text).replace("**", "")
    lines = _pipe_tables(text.split("\n"))
    lines = [_tidy(line) for line in lines]
    lines = _drop_page_numbers(lines)
    lines = _fix_tables(lines)
    lines = _join_paragraphs(lines)
    return _collapse(lines)


def remove_cjk_spaces(line: str) -> str:
    """Drop spaces between CJK characters, and between CJK and digits: "43.7 万 家次" -> "43.7万家次"."""
    return CJK_SPACE.sub("", line)


def _tidy(line: str) -> str:
    """Strip a line; for table rows strip every cell and drop trailing empty cells.

    A line whose words are separated by two or more runs of 3+ spaces is a layout-preserving PDF dump of a
    table row ("项目名称    全年预算数    执行数"): the runs become cell separators.
    """
    if "\t" not in line:
        body = line.strip(" ")
        if len(WIDE_GAP.findall(body)) < 2:
            return remove_cjk_spaces(body)
        line = re.sub(r" {2,}", "\t", body)
    cells = [remove_cjk_spaces(c.strip(" ")) for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


def _pipe_tables(lines: list[str]) -> list[str]:
    """Markdown pipe tables (``| a | b |`` with a ``|---|`` separator) become tab-separated rows."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not (PIPE_ROW.match(lines[i]) and i + 1 < len(lines) and PIPE_SEP.match(lines[i + 1])
                and "|" in lines[i + 1]):
            out.append(lines[i])
            i += 1
            continue
        out.append(_pipe_cells(lines[i]))
        i += 2
        while i < len(lines) and PIPE_ROW.match(lines[i]):
            if not PIPE_SEP.match(lines[i]):
                out.append(_pipe_cells(lines[i]))
            i += 1
    return out


def _pipe_cells(line: str) -> str:
    body = line.strip()[1:-1].replace("\\|", "\x00")
    cells = [c.strip().replace("\x00", "|").replace("<br>", " ").replace("\t", " ") for c in body.split("|")]
    return "\t".join(cells)


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Remove lines that are only a page number ("- 3 -", "第 3 页", "3/10", a lone number between blanks)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if PAGE_NO.match(s):
            continue
        if LONE_NUMBER.match(s):
            before = i == 0 or not lines[i - 1].strip()
            after = i + 1 == len(lines) or not lines[i + 1].strip()
            if before and after:
                continue
        out.append(line)
    return out


def _is_row(line: object) -> bool:
    return isinstance(line, list)


def _open_prose(cell: str) -> bool:
    """A long descriptive cell that stops mid-sentence (so a page break cut it)."""
    if len(cell) < 15 or not re.search(r"[，,、；;。：:]", cell):
        return False
    last = cell[-1]
    return bool(re.match(rf"[{CJK}，、,“‘《（(：:a-zA-Z0-9]", last))


def _join_text(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def _fix_tables(lines: list[str]) -> list[str]:
    """Drop header rows repeated after page breaks and merge cells continued across a page break."""
    items: list[str | list[str]] = [line.split("\t") if "\t" in line else line for line in lines]
    _unindent(items)
    out: list[str | list[str]] = []
    header: list[str] | None = None
    anchors: dict[int, int] = {}  # column -> index in out of the nearest row above with that cell filled
    prev: int | None = None  # index in out of the previous row of this table
    page_break = False
    for item in items:
        if not isinstance(item, list):
            if item.strip():
                header, anchors, prev, page_break = None, {}, None, False
            elif prev is not None:
                page_break = True
            out.append(item)
            continue
        cells = item
        if header is not None and _same(cells, header):
            page_break = True  # a header repeated at the top of a new page
            continue
        if looks_like_header(cells):
            header, anchors, prev, page_break = cells, {}, None, False
            out.append(cells)
            continue
        if page_break and prev is not None and _continue_cells(cells, out, anchors, prev):
            if not any(cells):
                while out and out[-1] == "":
                    out.pop()
                page_break = False
                continue
        out.append(cells)
        prev = len(out) - 1
        for c, text in enumerate(cells):
            if text:
                anchors[c] = prev
        page_break = False
    return _drop_blanks_inside_tables(out)


def _unindent(items: list[str | list[str]]) -> None:
    """A lone indented line ("\\t一、基本情况") away from any table is text, not a one-cell row."""
    def neighbour_is_row(i: int, step: int) -> bool:
        j = i + step
        while 0 <= j < len(items):
            it = items[j]
            if isinstance(it, list):
                return sum(1 for c in it if c) > 1 or len(it) > 2
            if it.strip():
                return False
            j += step
        return False

    for i, it in enumerate(items):
        if isinstance(it, list) and sum(1 for c in it if c) <= 1:
            if not neighbour_is_row(i, -1) and not neighbour_is_row(i, 1):
                items[i] = "".join(it)


def _same(a: list[str], b: list[str]) -> bool:
    def norm(x: list[str]) -> list[str]:
        cells = [re.sub(r"\s+", "", c) for c in x]
        while cells and not cells[-1]:
            cells.pop()
        return cells
    return norm(a) == norm(b)


def _continue_cells(cells: list[str], out: list[str | list[str]], anchors: dict[int, int], prev: int) -> bool:
    """Merge the cells of a row after a page break back into the cells they continue; True when any moved.

    Two shapes: the whole row continues cells of the rows above (``"\\t\\t\\t\\t31321次，罚款…"``),
    or its leading cells continue long cells that span several rows above while the rest starts a new row.
    Moved cells are blanked in ``cells``.
    """
    filled = [c for c, t in enumerate(cells) if t]
    if not filled:
        return False

    def ok(c: int) -> bool:
        a = anchors.get(c)
        if a is None:
            return False
        row = out[a]
        return isinstance(row, list) and c < len(row) and _open_prose(row[c])

    if all(ok(c) for c in filled) and any(anchors[c] == prev for c in filled):
        moving = filled
    else:
        moving = []
        for c in filled:
            if ok(c) and anchors[c] != prev:
                moving.append(c)
            else:
                break
        if not moving or len(moving) == len(filled):
            return False
    for c in moving:
        row = out[anchors[c]]
        if isinstance(row, list):  # always: anchors only point at rows
            row[c] = _join_text(row[c], cells[c])
            cells[c] = ""
    return True


def _drop_blanks_inside_tables(out: list[str | list[str]]) -> list[str]:
    """Render rows back to lines; blank lines between two table rows (page-break debris) go."""
    kinds = ["blank" if isinstance(x, str) and not x.strip() else "row" if isinstance(x, list) else "text"
             for x in out]
    prev_kind, before = "", []
    for k in kinds:
        before.append(prev_kind)
        if k != "blank":
            prev_kind = k
    next_kind, after = "", []
    for k in reversed(kinds):
        after.append(next_kind)
        if k != "blank":
            next_kind = k
    after.reverse()
    lines: list[str] = []
    for item, kind, b, a in zip(out, kinds, before, after, strict=True):
        if isinstance(item, list):
            cells = list(item)
            while cells and not cells[-1]:
                cells.pop()
            lines.append("\t".join(cells))
        elif not (kind == "blank" and b == "row" and a == "row"):
            lines.append(item)
    return lines


def is_heading_line(line: str) -> bool:
    """A markdown heading, or a short line that starts with a heading marker and is not a sentence."""
    s = line.strip()
    if s.startswith("#"):
        return True
    return bool(MARKER.match(s)) and len(s) <= 40 and not re.search(r"[。；;！？!?，,]", s)


def _joinable(cur: str, nxt: str, first: bool) -> bool:
    if (first and not re.search(r"[，。；,;]", cur)) or "\t" in cur or "\t" in nxt or not cur or not nxt:
        return False
    short = len(cur) < MIN_JOIN_LINE and not re.search(r"[，,；;、。]", cur)
    if cur[-1] in TERMINAL or short or is_heading_line(cur) or TITLE_END.search(cur):
        return False
    if FIELD.match(cur) or FIELD.match(nxt) or MARKER.match(nxt) or PAGE_NO.match(nxt):
        return False
    if not JOIN_START.match(nxt) or (len(nxt) <= 25 and not re.search(r"[，。；：、,.;:！？!?]", nxt)):
        return False
    return not (nxt[0].isdigit() and not re.match(rf"[{CJK}，、]", cur[-1]))


def _join_paragraphs(lines: list[str]) -> list[str]:
    """Join a line that ends mid-sentence with the next non-blank line when that one continues it."""
    out: list[str] = []
    i = 0
    seen_text = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            out.append(line)
            continue
        first = not seen_text
        seen_text = True
        while True:
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j >= len(lines) or not _joinable(line, lines[j], first):
                break
            line = _join_text(line, lines[j])
            i = j + 1
        out.append(line)
    return out


def _collapse(lines: list[str]) -> str:
    """At most one blank line in a row, no blank lines at either end, one final newline."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""
