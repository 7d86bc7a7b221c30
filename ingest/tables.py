"""Table rows in cleaned text: one line per row, cells separated by a tab, empty cells kept.

The cleaner (ingest.clean) turns every table layout it knows (PDF tab tables, markdown pipe tables)
into this form, so the chunker and the figure extractor read tables one way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_WORDS = re.compile(
    r"指标|目标|预期|实现值|完成值|实际|预算数|执行数|执行率|得分|分值|项目名称|单位名称|年度|序号|权重|评分|计划|偏差"
    r"|^(?:19|20)\d{2}\s*年"
    r"|预算|决算|完成情况|备注|原因|金额|支出|收入|^项目$|资金来源|^单位$"
)
BARE_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?%?$")
SENTENCE_PUNCT = re.compile(r"[，。；;,！？!?]")
QUANTITY = re.compile(r"\d\s*(?:%|万|亿|元|次|个|人|家|项|份|条|宗|天|小时|分(?!值))")


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # span in the document text
    end: int


@dataclass(frozen=True)
class TableRow:
    start: int  # span of the whole line in the document text
    end: int
    cells: list[Cell]
    header: list[str] | None  # the column headers in force for this row (None when unknown)
    is_header: bool = False

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def column(self, i: int) -> str:
        """Header of column i, or "" when unknown."""
        if self.header and i < len(self.header):
            return self.header[i]
        return ""


def looks_like_header(cells: list[str]) -> bool:
    """A row of short column names, most of which name columns (指标, 预期实现值, 全年预算数 …).

    Data rows are told apart by sentence punctuation and by quantities ("9次", "100%") in their cells.
    """
    filled = [c for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    if not all(len(c) <= 24 and not SENTENCE_PUNCT.search(c) and not QUANTITY.search(c) and not BARE_NUMBER.match(c)
               for c in filled):
        return False
    named = [c for c in filled if HEADER_WORDS.search(c)]
    return len(named) * 2 >= len(filled)


def parse_rows(text: str) -> list[TableRow]:
    """Every table row (a line containing a tab) with the header row in force above it."""
    rows: list[TableRow] = []
    header: list[str] | None = None
    pos = 0

    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if "\t" not in body:
            # a non-table line that is not blank ends the table: forget its header
            if body.strip():
                header = None
            continue
        cells: list[Cell] = []
        off = start
        for part in body.split("\t"):
            lead = len(part) - len(part.lstrip())
            cells.append(Cell(part.strip(), off + lead, off + lead + len(part.strip())))
            off += len(part) + 1
        texts = [c.text for c in cells]
        is_header = looks_like_header(texts)
        if is_header:
            header = texts
        rows.append(TableRow(start, start + len(body), cells, header, is_header))
    return rows
