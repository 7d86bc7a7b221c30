"""Tables from every format as cleaned-text rows: one line per row, cells separated by a tab.

A loader builds a ``Grid`` (the text at every row/column position and the origin of the cell covering it,
so a merged cell covers several positions) and ``render`` turns it into lines: a caption spanning the whole
width becomes a text line, a multi-row header is folded into one header row ("收入预算/合计"), merged data
cells are spread (a label merged down a column is repeated on every row, a number is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.tables import SENTENCE_PUNCT, looks_like_header

NUMBER = re.compile(r"^[-+]?[(（]?\d[\d,，]*(?:\.\d+)?[)）]?%?$")
MAX_HEADER_ROWS = 4
GENERIC_PARENT = frozenset({"项目"})  # a parent header that says nothing about the column under it
CODE_LEVELS = ("类", "款", "项")  # 科目编码 sub-columns, often printed on the first data row
TOTAL = re.compile(r"^(?:合\s*计|总\s*计|小\s*计)")  # a totals row, its label often merged across the label columns


def cell_text(raw: str | None) -> str:
    """One line of cell text: wrapped lines joined (CJK without a space), tabs and runs of spaces made one space."""
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in (raw or "").replace("\t", " ").splitlines()]
    out = ""
    for ln in filter(None, lines):
        out = f"{out} {ln}" if out and out[-1].isascii() and out[-1].isalnum() and ln[0].isascii() and ln[0].isalnum() \
            else out + ln
    return out


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text.strip()))


@dataclass
class Grid:
    """``text[r][c]``: the raw text of the cell covering row r, column c; ``origin[r][c]``: where that cell starts."""

    text: list[list[str]]
    origin: list[list[tuple[int, int]]]

    @classmethod
    def plain(cls, rows: list[list[str]]) -> Grid:
        """A grid without merged cells; short rows are padded."""
        width = max((len(r) for r in rows), default=0)
        text = [list(r) + [""] * (width - len(r)) for r in rows]
        return cls(text, [[(i, j) for j in range(width)] for i in range(len(rows))])

    @classmethod
    def from_spans(cls, cells: list[tuple[int, int, int, int, str]]) -> Grid:
        """A grid from (row, column, rowspan, colspan, text) cells; uncovered positions are empty cells."""
        n_rows = max((r + rs for r, _, rs, _, _ in cells), default=0)
        n_cols = max((c + cs for _, c, _, cs, _ in cells), default=0)
        text = [[""] * n_cols for _ in range(n_rows)]
        origin = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
        for r, c, rs, cs, t in cells:
            for i in range(r, r + max(rs, 1)):
                for j in range(c, c + max(cs, 1)):
                    text[i][j], origin[i][j] = t, (r, c)
        return cls(text, origin)

    def sub(self, rows: list[int], cols: list[int]) -> Grid:
        """The grid restricted to some rows and columns; a merged cell cut by the edge starts at the edge."""
        ri, ci = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(cols)}
        text = [[self.text[r][c] for c in cols] for r in rows]
        origin = []
        for i, r in enumerate(rows):
            row = []
            for j, c in enumerate(cols):
                orow, ocol = self.origin[r][c]
                row.append((ri.get(orow, i), ci.get(ocol, j)))
            origin.append(row)
        return Grid(text, origin)

    @property
    def width(self) -> int:
        return len(self.text[0]) if self.text else 0

    def own(self, r: int, c: int) -> bool:
        return self.origin[r][c] == (r, c)


@dataclass
class Rendered:
    """A rendered table: caption lines, the folded header row (None when the table has none) and data rows."""

    title: list[str]
    header: list[str] | None
    rows: list[list[str]]
    width: int  # columns of the grid, before 科目编码 columns are merged
    code: list[tuple[int, int]] | None = None  # (first column, count) of 类/款/项 columns merged into one

    def adopt(self, other: Rendered) -> None:
        """Take the header of the table this one continues (a table cut by a page end)."""
        self.header = list(other.header) if other.header else None
        if other.code and not self.code:
            self.rows = [_merge_code(r, other.code) for r in self.rows]
            self.code = other.code

    def lines(self, *, with_header: bool = True) -> list[str]:
        out = list(self.title)
        if self.header and with_header:
            out.append("\t".join(self.header))
        return out + ["\t".join(r) for r in self.rows]


def render(grid: Grid) -> Rendered:
    """The table as caption lines, a header row and data rows (see the module doc)."""
    rows = [r for r in range(len(grid.text)) if any(cell_text(t) for t in grid.text[r])]
    title: list[str] = []
    while rows and grid.width > 1 and len({grid.origin[rows[0]][c] for c in range(grid.width)}) == 1:
        title.append(cell_text(grid.text[rows[0]][0]))
        rows.pop(0)
    if grid.width <= 1 or all(len({grid.origin[r][c] for c in range(grid.width) if cell_text(grid.text[r][c])}) <= 1
                              for r in rows):
        # one column (a boxed paragraph, a contents list): text lines, as they stand in the cells
        lines = [ln.strip() for r in rows for t in dict.fromkeys(grid.text[r]) for ln in t.splitlines()]
        return Rendered(title + [ln for ln in lines if ln], None, [], 0)
    n = _header_rows(grid, rows)
    header = _fold(grid, rows[:n]) if n else None
    if header is not None and not _accept(grid, rows, n, header):
        header, n = None, 0  # not a header (a form, say): its rows stay as they are
    body = [_data_row(grid, r, set(rows[:n])) for r in rows[n:]]
    code = None
    if header is not None and body and n > 1:
        _code_levels(header, body[0])
        code = _code_columns(header)
        if code is not None:
            header = _merge_code(header, code)
            body = [_merge_code(b, code) for b in body]
    body = [b for b in body if any(b)]
    return Rendered(title, header, body, grid.width, code)


def _accept(grid: Grid, rows: list[int], n: int, header: list[str]) -> bool:
    """A header row as the project reads them; a folded one of short names over data rows without merged
    cells (a form's label/value rows fold into nonsense, and its rows are merged every which way)."""
    if n == 1:
        return looks_like_header(header)
    filled = [h for h in header if h]
    if not filled or any(len(h) > 40 or SENTENCE_PUNCT.search(h) or is_number(h) for h in filled):
        return False
    data = rows[n:]
    merged = sum(1 for r in data if any(grid.origin[r][c] == grid.origin[r][c + 1] for c in range(grid.width - 1))
                 and not TOTAL.match(cell_text(grid.text[r][0])))
    return merged <= 0.2 * len(data)


def _numeric_row(grid: Grid, r: int) -> bool:
    return any(grid.own(r, c) and is_number(cell_text(grid.text[r][c])) for c in range(grid.width))


def _header_rows(grid: Grid, rows: list[int]) -> int:
    """How many leading rows form the header: rows without numbers, each tied to the one above by a cell
    spanning several columns above or a cell reaching down from above; at least one data row stays."""
    n = 0
    for i, r in enumerate(rows[:MAX_HEADER_ROWS]):
        if _numeric_row(grid, r):
            break
        if i > 0:
            prev = rows[i - 1]
            spans = any(grid.origin[prev][c] == grid.origin[prev][c + 1] for c in range(grid.width - 1))
            down = any(grid.origin[r][c][0] < r for c in range(grid.width))
            if not (spans or down):
                break
        n = i + 1
    return min(n, len(rows) - 1) if len(rows) > 1 else 0


def _fold(grid: Grid, rows: list[int]) -> list[str]:
    """One header cell per column: the distinct texts down the column joined by "/" ("收入预算/合计")."""
    out = []
    for c in range(grid.width):
        parts: list[str] = []
        for r in rows:
            t = cell_text(grid.text[r][c])
            if t and t not in parts:
                parts.append(t)
        if len(parts) > 1 and parts[0] in GENERIC_PARENT:
            parts.pop(0)
        out.append("/".join(parts))
    return out


def _data_row(grid: Grid, r: int, header_rows: set[int]) -> list[str]:
    cells = []
    for c in range(grid.width):
        o = grid.origin[r][c]
        t = cell_text(grid.text[r][c])
        if o == (r, c):
            cells.append(t)
        elif o[0] == r or o[0] in header_rows or is_number(t) or (c > 0 and grid.origin[r][c - 1] == o):
            cells.append("")  # the rest of a merged cell: its text stands in its first position
        else:
            cells.append(t)  # a label merged down the column: repeated on every row it covers
    return cells


def _code_columns(header: list[str]) -> list[tuple[int, int]] | None:
    """(first column, count) of each run of 科目编码 columns headed "…/类", "…/款" (and "…/项")."""
    last = [h.rsplit("/", 1)[-1] for h in header]
    out = [(i, 3 if last[i + 2:i + 3] == [CODE_LEVELS[2]] else 2)
           for i in range(len(header) - 1) if last[i:i + 2] == list(CODE_LEVELS[:2])]
    return out or None


def _merge_code(cells: list[str], code: list[tuple[int, int]]) -> list[str]:
    """Each run of 科目编码 columns as one cell: "201 06 08" under "支出功能分类/科目编码"."""
    cells = list(cells)
    for i, k in sorted(code, reverse=True):
        part = cells[i:i + k]
        if len(part) < k:
            continue
        if part[0].endswith("/" + CODE_LEVELS[0]) or part[0] == CODE_LEVELS[0]:  # the header row
            merged = part[0][:-2] if part[0].endswith("/" + CODE_LEVELS[0]) else "科目编码"
        else:
            merged = " ".join(p for p in part if p)
        cells[i:i + k] = [merged]
    return cells


def _code_levels(header: list[str], first: list[str]) -> None:
    """"类 | 款 | 项" printed at the start of the first data row belong to the header of those columns."""
    k = 0
    while k < min(len(CODE_LEVELS), len(first), len(header)) and first[k] == CODE_LEVELS[k]:
        k += 1
    if k >= 2:
        for i in range(k):
            header[i] = f"{header[i]}/{first[i]}" if header[i] else first[i]
            first[i] = ""
