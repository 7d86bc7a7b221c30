"""Tables a web page flattened into pipes or paragraphs, rebuilt into rows of cells (spans of the cleaned text).

Three layouts of the published reports:

- ``pipe``: rows of ``a | b | c |`` whose end is a run of empty cells (``| ||||||||``), or a line of its own
  that starts with ``|``; a row may go on over several lines (``年度 指标值 |\\n实际 完成值 |``);
- ``lines``: one cell per line ending in `` |`` (``合计 |\\n|\\n78,400 |``) with no row ends at all: the rows are
  rebuilt from the width of the header (the leading column names);
- ``paragraphs``: one cell per paragraph, blank lines between (``序号\\n\\n单位\\n\\n项目\\n\\n评价档次\\n\\n…``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.tables import HEADER_WORDS, LABEL_HEAD, Cell, TableRow, align, looks_like_header, value_like

UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|元|亿元|千元)")
GROUP_UNIT = re.compile(r"[(（]\s*(万元|元|亿元|千元)\s*[)）]")
_TITLE = re.compile(r"..表(?:[(（][^()（）]{1,12}[)）])?$")
_HEAD_CELL = re.compile(r"档次|等次|等级|评价|名称$|科目$|编码$|区域$")
_PIPE_LINE = re.compile(r"\|\s*$|^\s*\||\s\|\s")
_INLINE_PAD = re.compile(r"\|[ \t]*\|")
_PARA_PUNCT = re.compile(r"[。；;，,！？!?]")


@dataclass(frozen=True)
class _Piece:
    text: str
    start: int
    end: int
    newline: bool  # the raw piece holds a line break


def table_context(text: str, start: int) -> tuple[str, str]:
    """(title, money unit) of a table starting at ``start``: from the few lines above it."""
    title = unit = ""
    lines = text[max(0, start - 600):start].split("\n")
    seen = 0
    for line in reversed(lines):
        s = line.strip()
        if not s:
            continue
        seen += 1
        if seen > 8:  # the title stands right above the table; a 单位 line may sit above the form's first rows
            break
        m = UNIT_LINE.search(s)
        if m and not unit:
            unit = m.group(1)
            s = s[:m.start()].strip()
        if not title and seen <= 4 and s and not re.fullmatch(r"附件\s*\d*", s):
            last = re.split(r"[,，。;；:：\s]", s)[-1]  # "…通知如下:2022年…安排表": the words after the last mark
            if _TITLE.search(last) and len(last) <= 60:
                title = last
    return title, unit


def group_unit(cells: list[str]) -> str:
    """A money unit named in a label cell of the row: "预算资金(万元)", "资金情况(万元)"."""
    for c in cells:
        m = GROUP_UNIT.search(c)
        if m and not value_like(c):
            return m.group(1)
    return ""


# --- pipes ------------------------------------------------------------------------------------------------

def _regions(text: str) -> list[tuple[int, int]]:
    """Runs of consecutive lines with pipe cells (no blank line inside)."""
    out: list[tuple[int, int]] = []
    pos, cur = 0, None
    for line in text.split("\n"):
        end = pos + len(line)
        if "|" in line and "\t" not in line and _PIPE_LINE.search(line):
            cur = (cur[0], end) if cur else (pos, end)
        elif cur:
            out.append(cur)
            cur = None
        pos = end + 1
    if cur:
        out.append(cur)
    return out


def _pieces(text: str, rs: int, re_: int) -> list[_Piece]:
    out, pos = [], rs
    for m in re.finditer(r"\|", text[rs:re_]):
        at = rs + m.start()
        out.append(_piece(text, pos, at))
        pos = at + 1
    tail = _piece(text, pos, re_)
    if tail.text:
        out.append(tail)
    return out


def _piece(text: str, s: int, e: int) -> _Piece:
    raw = text[s:e]
    body = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    return _Piece(re.sub(r"\s+", "", body) if body else "", s + lead, s + lead + len(body), "\n" in raw)


def pipe_rows(text: str) -> list[TableRow]:
    """Rows of every pipe table (``pipe`` and ``lines`` layouts)."""
    out: list[TableRow] = []
    for rs, re_ in _regions(text):
        pieces = _pieces(text, rs, re_)
        if len(pieces) < 2:
            continue
        title, unit = table_context(text, rs)
        if any(_INLINE_PAD.search(line) for line in text[rs:re_].split("\n")):
            out += _padded(text, pieces, title, unit)
        else:
            out += _by_width(pieces, title, unit)
    return out


def _padded(text: str, pieces: list[_Piece], title: str, unit: str) -> list[TableRow]:
    """Rows that end at a run of empty cells or at an empty cell holding a line break."""
    rows: list[list[_Piece]] = [[]]
    empties: list[_Piece] = []
    for p in pieces:
        if not p.text:
            empties.append(p)
            if len(empties) >= 2 or p.newline:
                if rows[-1]:
                    rows.append([])
                empties = []
            continue
        if empties and rows[-1]:
            rows[-1] += empties  # one empty cell inside a row: a blank cell
        empties = []
        rows[-1].append(p)
    header: list[str] | None = None
    in_force = unit  # a "预算资金(万元)" header cell gives the unit of the rows under it
    out: list[TableRow] = []
    for cells in rows:
        if not cells:
            continue
        texts = [c.text for c in cells]
        if _is_header(texts):
            header = texts
            in_force = unit or group_unit(texts)
            out.append(_row(cells, texts, True, "pipe", title, in_force))
            continue
        names = align(header, texts) if header else _key_value(texts)
        out.append(_row(cells, names, False, "pipe", title, unit or group_unit(texts) or in_force))
    return out


def _is_header(texts: list[str]) -> bool:
    """Column names: a header row by ``looks_like_header``, or short names led by several 指标 labels."""
    if looks_like_header(texts):
        return True
    filled = [t for t in texts if t]
    return (len(filled) >= 3 and not any(value_like(t) for t in filled) and all(len(t) <= 16 for t in filled)
            and not any(_PARA_PUNCT.search(t) for t in filled) and sum(bool(LABEL_HEAD.search(t)) for t in filled) >= 3)


def _key_value(texts: list[str]) -> list[str]:
    """No header: a value is named by the label cell before it ("资金总额 | 100 | 其中:财政拨款 | 100")."""
    names, last = [], ""
    for t in texts:
        if value_like(t):
            names.append(last)
        else:
            names.append("")
            last = t
    return names


def _head_cell(t: str) -> bool:
    return bool(t) and len(t) <= 16 and not value_like(t) and bool(
        HEADER_WORDS.search(t) or LABEL_HEAD.search(t) or _HEAD_CELL.search(t))


def _by_width(cells: list[_Piece], title: str, unit: str, layout: str = "lines") -> list[TableRow]:
    """Cells in reading order with no row ends: the leading column names give the width of every row."""
    n = 0
    while n < len(cells) and _head_cell(cells[n].text) and not re.match(r"^(?:合计|小计|总计)$", cells[n].text):
        n += 1
    if n < 2:
        return []
    header = [c.text for c in cells[:n]]
    body = cells[n:]
    if header[0] == "序号" and body and not re.fullmatch(r"\d{1,3}", body[0].text):
        header = header[1:]  # the serial numbers were lost (a lone number between blank lines reads as a page number)
    out = [_row(cells[:n], [c.text for c in cells[:n]], True, layout, title, unit)]
    width = len(header)
    for i in range(0, len(body), width):
        part = body[i:i + width]
        texts = [c.text for c in part]
        names = header if len(part) == width else align(header, texts)
        out.append(_row(part, names, False, layout, title, unit))
    return out


def _row(cells: list[_Piece], names: list[str], is_header: bool, layout: str, title: str, unit: str) -> TableRow:
    filled = [c for c in cells if c.text]
    start = filled[0].start if filled else cells[0].start
    end = filled[-1].end if filled else cells[-1].end
    return TableRow(start, end, [Cell(c.text, c.start, c.end) for c in cells], names, is_header, layout,
                    title, unit)


# --- one cell per paragraph -------------------------------------------------------------------------------

def paragraph_rows(text: str) -> list[TableRow]:
    """Rows of tables written one cell per paragraph: short one-line paragraphs led by column names."""
    paras: list[_Piece] = []
    pos = 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if block.strip() and not block.startswith("\n"):
            paras.append(_piece(text, pos, pos + len(block)))
        pos += len(block)
    out: list[TableRow] = []
    i = 0
    while i < len(paras):
        j = i
        while j < len(paras) and _cell_para(text, paras[j]):
            j += 1
        k = next((k for k in range(i, j - 1) if _head_cell(paras[k].text) and _head_cell(paras[k + 1].text)), j)
        if j - k >= 6:  # column names, then cells: "序号 / 单位 / 项目 / 评价档次 / 浙江文成…"
            title, unit = table_context(text, paras[k].start)
            out += _by_width(paras[k:j], title, unit, "paragraphs")
        i = max(j, i + 1)
    return out


def _cell_para(text: str, p: _Piece) -> bool:
    raw = text[p.start:p.end]
    return "\n" not in raw and "|" not in raw and "\t" not in raw and len(p.text) <= 30 and not _PARA_PUNCT.search(raw)
