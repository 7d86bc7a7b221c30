"""Table rows in cleaned text, whatever the layout the page flattened them into, with the column names of each cell.

Five layouts are read (``TableRow.layout``):

- ``tab``: one line per row, cells separated by a tab (the cleaner's form for PDF tab tables and markdown);
- ``pipe``: ``a | b | c | ||||`` rows, a run of empty cells ending a row (ingest.flat);
- ``lines``: one cell per line ending in `` |``, rows rebuilt from the header's width (ingest.flat);
- ``paragraphs``: one cell per blank-line paragraph (ingest.flat);
- ``spaced``: a header run (``年初预算数全年执行数分值执行率得分``) then labels and runs of numbers on one line
  (ingest.runon), from space-separated PDF rows and from OCR run-ons.

Every cell is a span of the document text; ``TableRow.header[i]`` names the column of ``cells[i]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_WORDS = re.compile(
    r"指标|目标|预期|实现值|完成值|实际|预算数|执行数|执行率|得分|分值|项目名称|单位名称|年度|序号|权重|评分|计划|偏差"
    r"|^(?:19|20)\d{2}\s*年"
    r"|预算|决算|完成情况|备注|原因|金额|支出|收入|^项目$|资金来源|^单位$"
    r"|科目|编码"  # the 科目编码 / 科目名称 columns of budget tables
)
BARE_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?%?$")
# a data cell, never a column name: an item of a numbered list ("二、外交支出", "（一）…", "1.一般公共预算") or a
# budget subject code ("201", "201 06 08", "30102")
ITEM_OR_CODE = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)"
                          r"|\d{3}(?:\s*\d{2}){0,3}$)")
SENTENCE_PUNCT = re.compile(r"[，。；;,！？!?]")
QUANTITY = re.compile(r"\d\s*(?:%|万|亿|元|次|个|人|家|项|份|条|宗|天|小时|分(?!值))")

TABLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|亿元|千元|元)")  # "单位：万元", "编制部门：…单位：元"
CAPTION = re.compile(r"表\s*(?:[（(]续(?:表)?[）)])?$")  # "收入支出决算总表", "…预算表（续）"
MAX_CAPTION = 60
PAGE_DEBRIS = re.compile(r"^[-—–－_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–－_\s]*$")

# header text -> what the column means; first match wins (the meanings the answer side asks by)
MEANINGS: list[tuple[str, str]] = [
    (r"年初预算", "年初预算"),
    (r"调整后?预算|全年预算|预算调整", "调整后预算数"),
    (r"执行率|完成率|支出率", "预算执行率"),
    (r"执行数|执行金额|实际支出|支出数|决算数", "预算执行数"),
    (r"^(?:预算数|预算金额)", "年初预算"),
    (r"分值|权重|满分", "权重/分值"),
    (r"得分|评分", "得分"),
    (r"实际完成|完成指标值", "实际完成值"),
    (r"指标值|目标值|预期|计划值|计划数|绩效目标", "年度指标值"),
    (r"完成值|实际|实现值", "实际完成值"),
]
# column words of the header runs of flattened tables; "value" columns hold the figures, "label" ones name the row
VALUE_COLUMNS = ("年初预算数 全年预算数 调整后预算数 调整预算数 预算执行数 全年执行数 执行数 预算执行率 执行率 分值 权重 得分 "
                 "年度指标值 预期指标值 实际完成指标值 实际完成值 指标值 目标值 完成值 金额 预算数 决算数").split()
LABEL_COLUMNS = ("序号 一级指标 二级指标 三级指标 指标解释 指标方向 项目名称 单位名称 属地 单位 项目 得分计算方法 未完成原因 "
                 "偏差原因分析及改进措施 偏差原因 备注").split()
LABEL_HEAD = re.compile(r"指标$|名称$|^项目|科目|^单位$|^序号$|解释|方向|^属地$|内容$|说明|原因|措施|方法|^备注$")
_VALUE_HEAD = re.compile("|".join(VALUE_COLUMNS) + r"|预算|资金|支出|数$|率|值$|额$")
_VALUE_CELL = re.compile(r"^[≥≤><=＞＜]{0,2}\s*[-+]?\d[\d,.]*\s*(?:[%％]|[^\d\s]{0,3})$|^[—–\-/／]+$|^(?:是|否|无|及时|达标|合格|优|良|中|差|满意)$")
_YEARISH = re.compile(r"^(?:19|20)\d{2}\s*年")


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # span in the document text
    end: int


@dataclass(frozen=True)
class TableRow:
    start: int  # span of the row in the document text (a line for ``tab`` rows)
    end: int
    cells: list[Cell]
    header: list[str] | None  # column names: header[i] names cells[i] (None when unknown)
    is_header: bool = False
    layout: str = "tab"  # tab | pipe | lines | paragraphs | spaced
    table: str = ""  # the table's title, e.g. "2022年省级第七批水利专项资金安排表"
    unit: str = ""  # the table's money unit: a "单位：万元" line or a "(万元)" group cell
    aligned: bool = True  # False when the cells were matched to the columns by a guess (run-on rows)

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

    Data rows are told apart by sentence punctuation, quantities ("9次", "100%"), items of a numbered list
    ("二、外交支出") and subject codes ("310 99") in their cells.
    """
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    if not all(_short_name(c) and not SENTENCE_PUNCT.search(c) and not QUANTITY.search(c) and not BARE_NUMBER.match(c)
               and not ITEM_OR_CODE.match(c) for c in filled):
        return False
    named = [c for c in filled if HEADER_WORDS.search(c)]
    return len(named) * 2 >= len(filled)


def _short_name(cell: str) -> bool:
    """A column name is short; a folded one of a multi-row header ("收入预算/财政拨款收入") is short in each part."""
    return len(cell) <= 24 or ("/" in cell and len(cell) <= 60 and all(len(p) <= 24 for p in cell.split("/")))


def column_meaning(header: str) -> str:
    """What a column holds, in the answer side's words: "全年执行数(B)" -> "预算执行数", "分值" -> "权重/分值"; "" if none."""
    h = re.sub(r"\s+", "", header)
    for pattern, meaning in MEANINGS:
        if re.search(pattern, h):
            return meaning
    return ""


def value_like(cell: str) -> bool:
    """A cell that holds a value, not a label: "329.77", "≥95%", "9月前", "45万", "—", "是"."""
    c = re.sub(r"\s+", "", cell)
    return bool(c) and not _YEARISH.match(c) and bool(_VALUE_CELL.match(c))


def align(header: list[str], cells: list[str]) -> list[str]:
    """The column name of each data cell under a header row.

    A row as wide as the header lines up cell by cell. A narrower one lost cells to merged (row-spanning) labels
    and to blank cells at its end: its leading label cells take the header's last label columns, its values the
    header's value columns from the first one on. A narrower row of text cells only lines up at the right.
    """
    if len(cells) == len(header):
        return list(header)
    first_value = next((i for i, c in enumerate(cells) if value_like(c)), len(cells))
    if first_value == len(cells):
        return ([""] * len(cells) + header)[-len(cells):] if cells else []
    n_labels = label_width(header)
    label_cols, value_cols = header[:n_labels], header[n_labels:]
    labels = ([""] * first_value + label_cols)[-first_value:] if first_value else []
    values = (value_cols + [""] * len(cells))[:len(cells) - first_value]
    return labels + values


def label_width(header: list[str]) -> int:
    """How many leading header cells name the row (一级指标, 项目名称 …) rather than hold values."""
    n = 0
    for i, h in enumerate(header):
        h = re.sub(r"\s+", "", h)
        group = i == 0 and (not _VALUE_HEAD.search(h) or bool(re.search(r"[(（](?:万元|元|亿元)[)）]$", h)))
        if h and not (LABEL_HEAD.search(h) or group):
            break
        n = i + 1
    return n


def tab_rows(text: str) -> list[TableRow]:
    """Every tab-separated row (a line containing a tab) with the header row in force above it, the table's
    caption (the heading or short line ending in 表 above it, kept across a page's 单位 line) and its money unit
    (a 单位：万元 line above the table)."""
    rows: list[TableRow] = []
    header: list[str] | None = None
    caption = unit = ""
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if "\t" not in body:
            if body.strip():  # a non-table line that is not blank ends the table: forget its header
                header = None
                caption, unit = _above_table(body, caption, unit)
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
        rows.append(TableRow(start, start + len(body), cells, header, is_header, table=caption, unit=unit))
    return rows


def _above_table(line: str, caption: str, unit: str) -> tuple[str, str]:
    """The caption and unit in force after a line outside a table: a caption line sets the caption (and forgets
    the unit of the table before), a 单位 line the unit, a short title line under the caption keeps both; any
    other line ends both."""
    body = line.strip().lstrip("#").strip()
    m = TABLE_UNIT.search(body)
    if m:
        return caption, m.group(1)
    if len(body) <= MAX_CAPTION and CAPTION.search(body) and not SENTENCE_PUNCT.search(body):
        return body, ""
    if PAGE_DEBRIS.match(body):
        return caption, unit
    if caption and not line.lstrip().startswith("#") and len(body) <= 30 and not re.search(r"[\d，。；：:;,]", body):
        return caption, unit  # a title row of the table ("财政拨款“三公”经费") under its caption
    return "", ""


def parse_rows(text: str) -> list[TableRow]:
    """Every table row of a cleaned text, in any of the layouts above, in order and without overlaps."""
    from ingest.flat import paragraph_rows, pipe_rows
    from ingest.runon import spaced_rows

    rows = tab_rows(text) + pipe_rows(text) + paragraph_rows(text)
    rows.sort(key=lambda r: r.start)
    taken = [(r.start, r.end) for r in rows]
    rows += spaced_rows(text, taken)
    rows.sort(key=lambda r: r.start)
    out: list[TableRow] = []
    for r in rows:
        if out and r.start < out[-1].end:
            continue  # two readers claimed the same text: the first one keeps it
        out.append(r)
    return out
