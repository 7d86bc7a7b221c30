"""Spreadsheets: .xlsx (openpyxl), legacy .xls (xlrd) and .csv, one page per sheet.

Cells are read as the values last computed, not formulas, in the cell's own number format ("2,995.39",
"98.15%"); merged cells are spread as in every other table (``ingest.loaders.table``). A sheet is cut at
empty rows; in each part the lines above the first row with two cells ("2024年部门收支总表",
"编制单位：… 单位：万元") are text and the rest is a table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from pathlib import Path
from typing import Any

from core.errors import BadInput
from core.protocols import Page
from ingest.loaders.table import Grid, cell_text, render
from ingest.loaders.text import decode

log = logging.getLogger(__name__)

DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|Лист)\s*\d*$", re.IGNORECASE)
LABEL_VALUE = re.compile(r"[:：]")


class XlsxLoader:
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm")

    def load(self, path: Path) -> list[Page]:
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False)
        except Exception as e:
            raise BadInput(f"{path}: cannot open the Excel workbook ({type(e).__name__}: {str(e)[:120]}); "
                           "the file is damaged or not an .xlsx") from e
        pages = []
        for i, ws in enumerate(book.worksheets, start=1):
            fws = formulas[ws.title]
            cells: list[tuple[int, int, int, int, str]] = []
            merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
            covered = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                       for c in range(m.min_col, m.max_col + 1) if (r, c) != (m.min_row, m.min_col)}
            missing = 0
            for row in ws.iter_rows():
                for cell in row:
                    if (cell.row, cell.column) in covered:
                        continue
                    value = cell.value
                    if value is None and str(fws.cell(cell.row, cell.column).value or "").startswith("="):
                        missing += 1
                    m = merged.get((cell.row, cell.column))
                    rs, cs = (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1) if m else (1, 1)
                    cells.append((cell.row - 1, cell.column - 1, rs, cs, show(value, cell.number_format)))
            if missing:
                log.warning("%s: sheet %s has %d formula cells without a saved value; open and save the file "
                            "in Excel or WPS so their values are stored", path, ws.title, missing)
            pages.append(Page(i, sheet_text(ws.title, Grid.from_spans(cells))))
        return _non_empty(path, pages)


class XlsLoader:
    suffixes: tuple[str, ...] = (".xls",)

    def load(self, path: Path) -> list[Page]:
        import xlrd

        try:
            book = xlrd.open_workbook(str(path), formatting_info=True)
        except Exception as e:
            raise BadInput(f"{path}: cannot open the Excel .xls workbook ({type(e).__name__}: {str(e)[:120]}); "
                           "the file is damaged or not an .xls") from e
        pages = []
        for i, sh in enumerate(book.sheets(), start=1):
            merged = {(rlo, clo): (rhi - rlo, chi - clo) for rlo, rhi, clo, chi in sh.merged_cells}
            covered = {(r, c) for rlo, rhi, clo, chi in sh.merged_cells for r in range(rlo, rhi)
                       for c in range(clo, chi) if (r, c) != (rlo, clo)}
            cells = []
            for r in range(sh.nrows):
                for c in range(sh.ncols):
                    if (r, c) in covered:
                        continue
                    rs, cs = merged.get((r, c), (1, 1))
                    cells.append((r, c, rs, cs, _xls_value(book, sh, r, c)))
            pages.append(Page(i, sheet_text(sh.name, Grid.from_spans(cells))))
        return _non_empty(path, pages)


class CsvLoader:
    suffixes: tuple[str, ...] = (".csv",)

    def load(self, path: Path) -> list[Page]:
        text = decode(path.read_bytes(), path)
        try:
            dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
        return _non_empty(path, [Page(1, sheet_text("", Grid.plain(rows)))])


def _non_empty(path: Path, pages: list[Page]) -> list[Page]:
    if not any(p.text.strip() for p in pages):
        raise BadInput(f"{path}: every sheet is empty; expected the tables of a report")
    return pages


def show(value: Any, fmt: str = "General") -> str:
    """A cell value as the sheet shows it: numbers in their number format, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return number(float(value), fmt or "General")
    return str(value).strip()


def number(v: float, fmt: str) -> str:
    """``v`` in an Excel number format's decimals, thousands separator and percent sign."""
    section = fmt.split(";")[0]
    m = re.search(r"\.([0#]+)", section)
    if "%" in section:
        return f"{v * 100:.{len(m.group(1)) if m else 0}f}%"
    if m or re.search(r"[0#]", section):
        decimals = len(m.group(1)) if m else 0
        return f"{v:,.{decimals}f}" if "," in section else f"{v:.{decimals}f}"
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return format(v, ".15g")


def _xls_value(book: Any, sh: Any, r: int, c: int) -> str:
    import xlrd

    cell = sh.cell(r, c)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_DATE:
        return show(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return show(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[sh.cell_xf_index(r, c)]
        fmt = book.format_map.get(xf.format_key)
        return number(float(cell.value), fmt.format_str if fmt else "General")
    return str(cell.value).strip()


def sheet_text(name: str, grid: Grid) -> str:
    """A sheet as text: its name (unless "Sheet1"), then each part between empty rows as text lines and a table."""
    out = [name] if name and not DEFAULT_SHEET.match(name) else []
    filled = [[bool(cell_text(t)) for t in row] for row in grid.text]
    segment: list[int] = []
    for r in range(len(grid.text) + 1):
        if r < len(grid.text) and any(filled[r]):
            segment.append(r)
            continue
        if segment:
            out += _segment(grid, segment, filled)
            segment = []
    return "\n".join(out).strip("\n")


def _segment(grid: Grid, rows: list[int], filled: list[list[bool]]) -> list[str]:
    def owners(r: int) -> set[tuple[int, int]]:
        return {grid.origin[r][c] for c in range(grid.width) if filled[r][c]}

    def texty(r: int) -> bool:
        own = owners(r)
        return len(own) <= 1 or all(LABEL_VALUE.search(cell_text(grid.text[r][c])) for _, c in own)

    def line(r: int) -> str:
        return " ".join(dict.fromkeys(cell_text(t) for t in grid.text[r] if cell_text(t)))

    lead, tail = 0, len(rows)
    while lead < tail and texty(rows[lead]):
        lead += 1
    while tail > lead and len(owners(rows[tail - 1])) <= 1:
        tail -= 1
    out = [line(r) for r in rows[:lead]]
    body = rows[lead:tail]
    if body:
        cols = [c for c in range(grid.width) if any(filled[r][c] for r in body)]
        out += ["", *render(grid.sub(body, cols)).lines(), ""]
    return out + [line(r) for r in rows[tail:]]
