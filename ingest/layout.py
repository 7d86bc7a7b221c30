"""Page debris of extracted report text: HTML tags, page numbers, running page headers, table rows cut by page breaks."""

from __future__ import annotations

import re

from ingest.tables import looks_like_header

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HTML_TAG = re.compile(r"</?(?:p|br|div|span|font|b|strong|i|em|u|sup|sub|h[1-6]|ul|ol|li|a|table|tbody|thead|tfoot"
                      r"|tr|td|th|section|article|center)(?:\s[^<>]*)?/?>", re.IGNORECASE)
HTML_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|li|tr|table)\s*>", re.IGNORECASE)  # ends a line
HTML_CELL = re.compile(r"</t[dh]\s*>", re.IGNORECASE)  # ends a table cell
HTML_ENTITY = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|hellip|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
PAGE_NO = re.compile(
    r"^(?:[-—–－_]\s*\d{1,4}\s*[-—–－_]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
LONE_NUMBER = re.compile(r"^\d{1,3}$")
PAGE_BREAK = "\f"  # a form feed (pdftotext's page break) stays a line of its own until page numbers go
MAX_RUNNING_HEAD = 60  # page headers/footers are one short line


def strip_html(text: str) -> str:
    """HTML dumps: line-ending tags (``<br>``, ``</p>``, ``</tr>`` …) become line ends, table cells tabs; other
    tags go and entities are decoded. In text without tags only ``&nbsp;`` is replaced."""
    if not HTML_TAG.search(text):
        return text.replace("&nbsp;", " ")
    import html

    text = HTML_CELL.sub("\t", HTML_BREAK.sub("\n", text))
    text = HTML_TAG.sub("", text)
    return HTML_ENTITY.sub(lambda m: html.unescape(m.group()).replace("\xa0", " "), text)


def _is_page_break(line: str) -> bool:
    """A page-number line ("- 3 -", "第3页") or a form feed standing for a page break."""
    s = line.strip(" \t")
    return s == PAGE_BREAK or bool(PAGE_NO.match(s.strip()))


def drop_running_heads(lines: list[str]) -> list[str]:
    """Remove page headers and footers a PDF dump repeats at every page break.

    A running head is a short line standing right after or right before a page break (a page-number line
    or a form feed) at two page breaks or more, or at one when it is also the report's first line (the
    title doubling as the page header). Its occurrences at page breaks go; the one at the top stays.
    """
    def at_break(i: int) -> bool:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j].strip(" \t"):
                j += step
            if 0 <= j < len(lines) and _is_page_break(lines[j]):
                return True
        return False

    top = next((i for i, ln in enumerate(lines) if ln.strip()), -1)
    where: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        key = line.strip()
        if 4 <= len(key) <= MAX_RUNNING_HEAD and "\t" not in key and not _is_page_break(line) and at_break(i):
            where.setdefault(key, []).append(i)
    title = lines[top].strip() if top >= 0 else ""
    drop = {i for key, found in where.items() if len(found) >= 2 or key == title for i in found if i != top}
    return [line for i, line in enumerate(lines) if i not in drop]


def drop_page_numbers(lines: list[str]) -> list[str]:
    """Remove lines that are only a page number ("- 3 -", "第 3 页", "3/10", a lone number between blanks)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if PAGE_NO.match(s):
            continue
        if line.strip(" \t") == PAGE_BREAK:
            out.append("")
            continue
        if LONE_NUMBER.match(s):
            before = i == 0 or not lines[i - 1].strip()
            after = i + 1 == len(lines) or not lines[i + 1].strip()
            if before and after:
                continue
        out.append(line)
    return out


def _open_prose(cell: str) -> bool:
    """A long descriptive cell that stops mid-sentence (so a page break cut it)."""
    if len(cell) < 15 or not re.search(r"[，,、；;。：:]", cell):
        return False
    last = cell[-1]
    return bool(re.match(rf"[{CJK}，、,“‘《（(：:a-zA-Z0-9]", last))


def join_text(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def fix_tables(lines: list[str]) -> list[str]:
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
            row[c] = join_text(row[c], cells[c])
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
