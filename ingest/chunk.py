"""Split a cleaned document into retrievable chunks along its headings, paragraphs and table rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from core.records import Chunk, Document
from ingest.clean import is_heading_line
from ingest.tables import ITEM_OR_CODE, TABLE_UNIT, TableRow, label_width, tab_rows, value_like

LEVELS = (
    (re.compile(r"^第[一二三四五六七八九十百零〇\d]+[章部篇]"), 1),
    (re.compile(r"^[一二三四五六七八九十百]+[、.．]"), 2),
    (re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"), 3),
    (re.compile(r"^\d{1,2}[.、．)）](?!\d)"), 4),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 5),
    (re.compile(r"^[①-⑳]"), 6),
)
PLAIN_HEADING_LEVEL = 7  # a short standalone line without punctuation (a bold-only line before cleaning)
SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
CLAUSE_END = re.compile(r"[，,、：:]")
PREFIX_MAX = 80  # section path / title prefix of a chunk's text, at most
TABLE_SLACK = 80  # table-row texts carry column names: allowed max_chars + this
CONTENTS = re.compile(r"^目录$")  # the heading of a table of contents, spaces aside ("目 录")
LEADERS = re.compile(r"[.…·]{2,}[ \t]*\d*")  # the dots leading to an entry's page number, and the number
PREAMBLE = re.compile(r"^(?:编制部门|编制单位|填报单位|单位)\s*[:：]")


@dataclass
class _State:
    doc: Document
    max_chars: int
    chunks: list[Chunk] = field(default_factory=list)
    path: list[tuple[int, str]] = field(default_factory=list)  # (level, heading text)
    pending: list[tuple[int, int, int]] = field(default_factory=list)  # headings not yet in a chunk: (level, s, e)
    group: list[tuple[int, int]] = field(default_factory=list)  # paragraph spans waiting to become a chunk
    # what stands before a table's first data row and goes into its chunk: caption headings, the 单位 / 编制部门
    # lines and the header row, as (start, end, preamble text, header cells)
    lead: tuple[int, int, str, list[str]] | None = None

    @property
    def section(self) -> str:
        return " > ".join(t for _, t in self.path)

    def prefix(self) -> str:
        title = "" if self.doc.title == PurePath(self.doc.name).stem else self.doc.title  # a stem says nothing
        p = self.section or title
        return p if len(p) <= PREFIX_MAX else "…" + p[-(PREFIX_MAX - 1):]

    def add(self, start: int, end: int, text: str, kind: str = "text") -> None:
        self.chunks.append(Chunk(doc_id=self.doc.id, doc_name=self.doc.name, text=text, start=start, end=end,
                                 section=self.section if kind != "title" else "", index=len(self.chunks),
                                 kind=kind))


def split(doc: Document, max_chars: int = 500) -> list[Chunk]:
    """Split a document into chunks that never cross a heading; each table row is its own chunk.

    Args:
        doc: the cleaned document.
        max_chars: target size of a chunk's source span; a chunk's ``text`` (span plus section path or
            column names) stays within ``max_chars + 80`` characters.

    Returns:
        Chunks in document order. Spans do not overlap and cover every non-blank character of
        ``doc.text``; ``doc.text[c.start:c.end]`` is the exact source of chunk ``c``.
    """
    text = doc.text
    st = _State(doc, max_chars)
    rows = {r.start: r for r in tab_rows(text)}  # flattened layouts stay text chunks; their figures get rows
    lines = _lines(text)
    title_end = _title(st, lines)
    spans: dict[int, str] = {}  # column -> last filled cell of the current table (cells spanning rows)
    para: list[tuple[int, int]] = []
    toc: _Contents | None = None
    page_starts = set(doc.pages[1:])
    for i, (s, e) in enumerate(lines):
        if e <= title_end:
            continue
        line = text[s:e]
        if not line.strip():
            _end_paragraph(st, para)
            continue
        if toc is not None:
            if toc.takes(line, page_start=s in page_starts):
                toc.end = e
                continue
            _contents(st, toc)
            toc = None
        if CONTENTS.match(_entry(line)):
            _end_paragraph(st, para)
            _flush_lead(st)
            _flush(st, headings_alone=True)
            toc = _Contents(s, e)
            continue
        if s in rows and "\t" in line:
            _end_paragraph(st, para)
            _table_row(st, rows[s], spans)
            continue
        _flush_lead(st)
        level = _heading_level(text, lines, i)
        if level is not None:
            _end_paragraph(st, para)
            _flush(st)
            _heading(st, level, s, e)
            spans.clear()
            continue
        spans.clear()
        para.append((s, e))
    if toc is not None:
        _contents(st, toc)
    _end_paragraph(st, para)
    _flush_lead(st)
    _flush(st, headings_alone=True)
    return st.chunks


@dataclass
class _Contents:
    """A table of contents: its entries repeat later as the headings of the body, so it is one chunk, not a
    chunk per entry (those would answer every question naming a part of the report with a bare title)."""

    start: int
    end: int
    seen: set[str] = field(default_factory=set)

    def takes(self, line: str, *, page_start: bool = False) -> bool:
        """Whether ``line`` is one more entry: short, no sentence or clause, no table row, not an entry seen
        already (the body's first heading repeats the first entry), not a heading opening a new page."""
        if page_start and line.lstrip().startswith("#"):
            return False
        key = _entry(line)
        if not key and re.fullmatch(r"[.…·\s\d]+", line.strip()):
            return True  # leader dots wrapped onto a line of their own
        if not key or "\t" in line or re.search(r"[。！？；!?;，,：:]", key) or len(key) > 60 or key in self.seen:
            return False
        self.seen.add(key)
        return True


def _entry(line: str) -> str:
    """A contents line as a key: without heading marks, spaces, leader dots and the page number."""
    return re.sub(r"[.…·\-_—\s]*\d*$", "", re.sub(r"\s+", "", line.strip().lstrip("#")))


def _contents(st: _State, toc: _Contents) -> None:
    text = st.doc.text
    lines = [ln.strip().lstrip("#").strip() for ln in text[toc.start:toc.end].split("\n") if ln.strip()]
    body = re.sub(LEADERS, "", "\n".join(lines))
    body = re.sub(r"\n{2,}", "\n", body).strip()
    limit = st.max_chars + TABLE_SLACK
    st.add(toc.start, toc.end, body if len(body) <= limit else body[:limit - 1] + "…", kind="contents")


@dataclass(frozen=True)
class Heading:
    """A heading line of a cleaned text: its span, its level (1 = 第一章 … 7 = a plain short line) and text."""

    start: int
    end: int
    level: int
    text: str  # without '#' and surrounding whitespace


def headings(text: str) -> list[Heading]:
    """Every heading line of a cleaned text, as ``split`` sees them, in order.

    Args:
        text: cleaned document text.

    Returns:
        The headings; a section runs from its heading to the next heading of the same or a lower level.
    """
    lines = _lines(text)
    out = []
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if not line.strip() or "\t" in line:
            continue
        level = _heading_level(text, lines, i)
        if level is not None:
            out.append(Heading(s, e, level, line.strip().lstrip("#").strip()))
    return out


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _title(st: _State, lines: list[tuple[int, int]]) -> int:
    """Emit the title line(s) as a "title" chunk; return where the title ends (0 when not found)."""
    title = re.sub(r"\s+", "", st.doc.title)
    text = st.doc.text
    if not title:
        return 0
    seen = [(s, e) for s, e in lines[:60] if text[s:e].strip() and "\t" not in text[s:e]][:8]
    for k, (s, _e) in enumerate(seen):
        for m in (1, 2):
            if k + m > len(seen):
                break
            end = seen[k + m - 1][1]
            compact = re.sub(r"\s+", "", text[s:end].replace("#", ""))
            if compact == title:
                if any(text[a:b].strip() for a, b in lines if b <= s):
                    return 0  # something precedes the title: keep one simple walk over the text
                st.add(s, end, st.doc.title, kind="title")
                return end
    return 0


def _heading_level(text: str, lines: list[tuple[int, int]], i: int) -> int | None:
    s, e = lines[i]
    line = text[s:e].strip()
    if line.startswith("#"):
        body = line.lstrip("#").strip()
        return _marker_level(body) or min(len(line) - len(line.lstrip("#")), 6)
    if is_heading_line(line):
        return _marker_level(line)
    blank_before = i == 0 or not text[lines[i - 1][0]:lines[i - 1][1]].strip()
    blank_after = i + 1 == len(lines) or not text[lines[i + 1][0]:lines[i + 1][1]].strip()
    if blank_before and blank_after and len(line) <= 25 and not re.search(r"[。，；：:,;！？!?%\d]", line):
        return PLAIN_HEADING_LEVEL
    return None


def _marker_level(line: str) -> int | None:
    for pat, level in LEVELS:
        if pat.match(line):
            return level
    return None


def _heading(st: _State, level: int, s: int, e: int) -> None:
    if st.pending and level <= st.pending[-1][0]:
        _flush(st, headings_alone=True)  # a sibling heading: the previous one had no body
    while st.path and st.path[-1][0] >= level:
        st.path.pop()
    st.path.append((level, st.doc.text[s:e].strip().lstrip("#").strip()))
    st.pending.append((level, s, e))


def _end_paragraph(st: _State, para: list[tuple[int, int]]) -> None:
    """Add the paragraph in ``para`` to the current group, splitting long ones at sentence ends."""
    if not para:
        return
    s, e = para[0][0], para[-1][1]
    para.clear()
    if e - s > st.max_chars:
        _flush(st)
        for ps, pe in _pieces(st.doc.text, s, e, st.max_chars):
            st.group.append((ps, pe))
            _flush(st)
        return
    if st.group and e - st.group[0][0] > st.max_chars:
        _flush(st)
    st.group.append((s, e))


def _flush(st: _State, headings_alone: bool = False) -> None:
    """Turn the pending headings and paragraph group into one text chunk."""
    if not st.group and not (headings_alone and st.pending):
        return
    text = st.doc.text
    start = st.pending[0][1] if st.pending else st.group[0][0]
    end = st.group[-1][1] if st.group else st.pending[-1][2]
    body = "\n".join(text[s:e].strip() for s, e in st.group)
    body = re.sub(r"\n{2,}", "\n", body)
    prefix = st.prefix()
    st.add(start, end, _join_prefix(prefix, body) if body else prefix or text[start:end].strip())
    st.pending.clear()
    st.group.clear()


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split text[start:end] into spans of at most ``limit`` characters at sentence ends (then clauses)."""
    units = _units(text, start, end, SENTENCE_END)
    out: list[tuple[int, int]] = []
    for us, ue in units:
        if ue - us > limit:
            for cs, ce in _units(text, us, ue, CLAUSE_END):
                while ce - cs > limit:  # no punctuation at all: cut hard
                    out.append((cs, cs + limit))
                    cs += limit
                out.append((cs, ce))
        else:
            out.append((us, ue))
    total = end - start
    target = -(-total // -(-total // limit)) if total > limit else limit  # even parts, not one big + a stub
    packed: list[tuple[int, int]] = []
    for s, e in out:
        if packed and e - packed[-1][0] <= limit and packed[-1][1] - packed[-1][0] < target * 0.9:
            packed[-1] = (packed[-1][0], e)
        else:
            packed.append((s, e))
    return [_strip(text, s, e) for s, e in packed if text[s:e].strip()]


def _units(text: str, start: int, end: int, pat: re.Pattern[str]) -> list[tuple[int, int]]:
    units, pos = [], start
    for m in pat.finditer(text, start, end):
        units.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        units.append((pos, end))
    return [u for u in units if text[u[0]:u[1]].strip()]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _table_row(st: _State, row: TableRow, spans: dict[int, str]) -> None:
    """A table row. What introduces the table (its caption, 单位 or 编制部门 line and header row) goes into the
    span of its first data row's chunk, not into chunks of its own: those would hold no figure and match every
    question that names the report's body. Every row's text already carries the caption and the column names."""
    text = st.doc.text
    if st.lead is None and (st.pending or st.group) and all(is_preamble(text[a:b]) for a, b in st.group):
        start = st.pending[0][1] if st.pending else st.group[0][0]
        end = st.group[-1][1] if st.group else st.pending[-1][2]
        words = "\n".join(text[a:b].strip() for a, b in st.group)
        st.lead, st.pending, st.group = (start, end, words, []), [], []
    elif st.lead is None:
        _flush(st, headings_alone=True)
    if row.is_header:
        spans.clear()
        filled = [c for c in row.cells if c.text]
        start, _, words, _ = st.lead or (filled[0].start if filled else row.start, row.end, "", [])
        st.lead = (start, filled[-1].end if filled else row.end, words, [c.text for c in filled])
        return
    n = len(st.chunks)
    _row(st, row, spans)
    if st.lead is not None and len(st.chunks) > n:
        st.chunks[n] = replace(st.chunks[n], start=st.lead[0])  # its text stays the row's, like every other row's
        st.lead = None


def _flush_lead(st: _State) -> None:
    """A table introduction without data rows after it (an empty table, a header the page ends on): its own chunk."""
    if st.lead is None:
        return
    start, end, words, header = st.lead
    st.lead = None
    body = "\n".join(filter(None, (words, f"表头：{'；'.join(header)}" if header else "")))
    st.add(start, end, _join_prefix(st.prefix(), body) if body else st.prefix() or st.doc.text[start:end].strip(),
           kind="table_row" if header else "text")


def is_preamble(line: str) -> bool:
    """A line that introduces a table: its 单位 line, 编制部门, a short title row ("财政拨款“三公”经费")."""
    body = line.strip()
    return bool(PREAMBLE.match(body) or TABLE_UNIT.search(body)) or (
        len(body) <= 30 and not re.search(r"[\d，。；：:;,！？]", body) and "\n" not in body)


def _row(st: _State, row: TableRow, spans: dict[int, str]) -> None:
    """One chunk per table row (several for a long row), its text carrying the column names."""
    text = st.doc.text
    prefix = st.prefix()
    filled = [(c, cell) for c, cell in enumerate(row.cells) if cell.text]
    if not filled:
        return
    start, end = filled[0][1].start, filled[-1][1].end  # the row without its leading empty cells
    inherited = [_label(row.column(c), v) for c, v in sorted(spans.items()) if _spans_down(row, c, v)]
    for c, cell in filled:
        spans[c] = cell.text
    limit = st.max_chars + TABLE_SLACK
    full = _row_text(prefix, inherited, [(row.column(c), cell.text) for c, cell in filled])
    if len(full) <= limit:
        st.add(start, end, full, kind="table_row")
        return
    key = next((_label(row.column(c), cell.text) for c, cell in filled if len(cell.text) <= 40), "")
    overhead = len(prefix) + sum(len(x) + 1 for x in inherited) + len(key) + 1
    widest = max(len(row.column(c)) for c, _ in filled) + 2
    piece_max = max(60, limit - overhead - widest - 4)
    pieces = [(c, ps, pe) for c, cell in filled for ps, pe in _pieces(text, cell.start, cell.end, piece_max)]
    part: list[tuple[int, int, int]] = []
    for piece in pieces:
        if part and len(_part_text(st, prefix, inherited, key, row, part + [piece])) > limit:
            _emit_part(st, prefix, inherited, key, row, part)
            part = []
        part.append(piece)
    if part:
        _emit_part(st, prefix, inherited, key, row, part)


def _spans_down(row: TableRow, c: int, above: str) -> bool:
    """Whether the empty cell in column ``c`` is the rest of a label merged down from the row above (text written
    once for several rows: "年度绩效目标", "产出指标"), not a missing value. Only a label in the leading label
    columns spans rows, over a row that names itself further right; a number, a list item ("八、其他收入") or a
    subject code never does: an empty cell under them is empty."""
    if c >= len(row.cells) or row.cells[c].text or len(above) > 30 or value_like(above) or ITEM_OR_CODE.match(above):
        return False
    if row.header is not None and c >= max(1, label_width(row.header)):
        return False
    right = next((cell.text for cell in row.cells[c + 1:] if cell.text), "")
    return bool(right) and not value_like(right)


def _label(header: str, value: str) -> str:
    return f"{header}：{value}" if header else value


def _join_prefix(prefix: str, body: str) -> str:
    return f"{prefix}\n{body}" if prefix else body


def _row_text(prefix: str, context: list[str], cells: list[tuple[str, str]]) -> str:
    return _join_prefix(prefix, "；".join(context + [_label(h, v) for h, v in cells]))


def _part_text(st: _State, prefix: str, inherited: list[str], key: str, row: TableRow,
               part: list[tuple[int, int, int]]) -> str:
    cols: dict[int, tuple[int, int]] = {}
    for c, s, e in part:
        cols[c] = (cols[c][0], e) if c in cols else (s, e)
    cells = [(row.column(c), st.doc.text[s:e]) for c, (s, e) in cols.items()]
    context = list(inherited)
    if key and not any(_label(h, v) == key for h, v in cells):
        context.append(key)
    return _row_text(prefix, context, cells)


def _emit_part(st: _State, prefix: str, inherited: list[str], key: str, row: TableRow,
               part: list[tuple[int, int, int]]) -> None:
    st.add(part[0][1], part[-1][2], _part_text(st, prefix, inherited, key, row, part), kind="table_row")
