"""Figures of table cells: each number named by its row label and its column, with the table's unit.

A cell that holds only a number becomes one figure whose metric is the row label plus the column header (the
column is left out where it only says target or actual: the kind says that); a cell of text goes through the
prose reader and keeps the row label when its own words name nothing. ``extra`` carries the column's meaning
("column", see ingest.tables.column_meaning), the header as written ("header"), the table title ("table"), the
row label ("indicator"), the layout and, for run-on rows matched to the columns by a guess, ``aligned`` "guess".
An empty or dash cell is a missing value and gives no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.clauses import Found, figures_in_span
from ingest.numbers import find_quantities, from_value
from ingest.tables import TableRow, column_meaning

ROW_EVIDENCE = 120  # a table row up to this long is the evidence for its numeric cells
_ROLES: list[tuple[str, str]] = [  # header pattern -> column role; first match wins
    (r"序号|编号", "seq"),
    (r"^年度$|^年份$", "seq"),
    (r"实际完成|完成指标值|实际值", "actual"),  # "实际完成指标值(B)" is a result, not a 指标值
    (r"指标值|预期|目标值|计划值|计划数|年度目标值|期望", "target"),
    (r"执行率|完成率|支出率|完成比例", "rate"),
    (r"上年|去年|上一年|同期|增减|变动", "other"),  # a previous period or a change: always named in the metric
    (r"执行数|执行金额|支出数|决算|实际支出|支出$|支出金额", "spent"),
    (r"完成值|实际|实现值|完成情况", "actual"),
    (r"预算数|预算金额|年初预算|全年预算|调整后预算|预算安排|资金总额|批复|预算资金", "budget"),
    (r"得分|评分", "score"),
    (r"分值|权重", "weight"),
    (r"偏差|原因|说明|备注|改进|措施|解释|方向", "note"),
    (r"指标|项目名称|名称|内容|项目$", "indicator"),
    (r"目标|计划", "goal"),
]
_TABLE_GENERIC = re.compile(
    r"^(?:全年|年度|当年|本年|累计|共)?(?:实际)?(?:完成|完成值|实现|实现值|达到|达成|合计|完成情况|完成率|实际完成)?$")
_NAMED_BY_ROW = {"target", "actual", "goal", "indicator", "note"}  # the header only says target/actual
_VALUE_ROLES = {"target", "actual", "budget", "spent", "rate", "score", "weight"}
_ROLE_KIND = {"target": "target", "weight": "target", "goal": "target", "budget": "budget"}
UNIT_HINT = re.compile(r"[（(]\s*(万元|元|亿元|千元|%|分|个|人|人次|家|家次|次|天|小时|项)\s*[)）]")
_TABLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|亿元|千元)")
_MONEY_COLUMN = re.compile(r"预算|支出|收入|金额|资金|决算|经费|结转|结余|合计|小计|总计")
_MONEY_LABEL = re.compile(r"成本|资金|金额|经费|预算|费用|投资|支出|拨款")
_LABEL_LEAD = re.compile(  # "其中:", "指标1:", "1.", and a 二级指标 glued to the 三级 one: "数量指标全年免费开放"
    r"^(?:其中[:：]?|指标\s*\d+\s*[:：]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,3}、"
    r"|(?:产出|效益|满意度)?(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)指标(?=.{2}))")

SUBJECT_CODE = re.compile(r"^\d{3}(?:\s*\d{2}){0,3}$")  # 科目编码: "201", "201 06 08", "2010608"
Raw = tuple[Found, dict[str, str], str]  # a figure before stamping: what was found, its extra, its context


@dataclass
class TableState:
    indicator: str = ""  # the row label in force (merged cells leave it empty in later rows)
    unit: str = ""  # the table's money unit, from a "单位：万元" line above it or a "(万元)" header


@dataclass(frozen=True)
class _Cell:
    """One table cell with what the row and header say about it."""

    start: int
    end: int
    indicator: str
    column: str
    role: str
    kind: str


def role_of(header: str) -> str:
    h = re.sub(r"\s", "", header)
    if not h:
        return "other"
    for pattern, role in _ROLES:
        if re.search(pattern, h):
            return role
    return "other"


def row_figures(text: str, row: TableRow, st: TableState) -> list[Raw]:
    """The figures of one table row (none for a header row, which sets the table's unit instead)."""
    if row.is_header:
        m = list(_TABLE_UNIT.finditer(text[max(0, row.start - 200):row.start]))
        money = [h.group(1) for h in map(UNIT_HINT.search, row.texts) if h and h.group(1).endswith("元")]
        st.unit = row.unit or (m[-1].group(1) if m else (money[0] if len(set(money)) == 1 else ""))
        st.indicator = ""
        return []
    if row.layout != "tab":
        st.unit = row.unit
    header = row.header or []
    roles = [role_of(h) for h in header]
    cells = row.cells
    role_at = [roles[i] if i < len(roles) else "other" for i in range(len(cells))]
    labels = [_label(c.text, "other" if i == 0 else r) for i, (c, r) in enumerate(zip(cells, role_at, strict=True))]
    ind_cols = [i for i, r in enumerate(roles) if r == "indicator" and i < len(cells)]
    filled_ind = [i for i in ind_cols if cells[i].text]
    if filled_ind:
        st.indicator = cells[filled_ind[-1]].text
    elif not ind_cols:
        st.indicator = next((t for t in labels if t), "")
    elif any(labels):
        st.indicator = ""  # the row names itself elsewhere (a 合计 row): the label above does not run on
    carried = re.sub(r"\s+", "", _LABEL_LEAD.sub("", st.indicator.strip())) if not any(labels) else ""
    code_cols = [i for i, c in enumerate(cells) if _is_code(c.text, header[i] if i < len(header) else "")]
    codes = [cells[i].text for i in code_cols]
    row_units = {q.unit for c, r in zip(cells, roles, strict=False) if r in ("target", "actual") and _numeric_only(c.text)
                 for q in find_quantities(c.text) if q.unit}
    goals = "目标表" in row.table
    out: list[Raw] = []
    for i, cell in enumerate(cells):
        role = role_at[i]
        if not cell.text or role == "seq" or i in code_cols:
            continue
        at = -1 if role == "indicator" else _label_of(i, labels, role_at)  # a label cell has no label of its own
        if 0 <= at < len(header) and i < len(header) and cells[at].text == header[i]:
            at = next((j for j in range(at) if labels[j]), at)  # a form: the cell before names the column, not the row
        if not ind_cols and labels[i] and at < 0:
            continue  # the row's label: a name, not a figure
        ind = re.sub(r"\s+", "", _LABEL_LEAD.sub("", labels[at])) if at >= 0 else ""
        if at < 0 and role != "indicator":
            ind = carried  # a row of values under a label merged down from the rows above
        col = re.sub(r"\s+", "", header[i]) if i < len(header) else ""
        goal = goals and role in ("other", "actual", "indicator", "goal", "target")  # a 绩效目标表 states targets
        kind = "target" if role == "indicator" or goal else _ROLE_KIND.get(role, "actual")
        pair_unit = next(iter(row_units)) if len(row_units) == 1 and role in ("target", "actual") else ""
        c = _Cell(cell.start, cell.end, ind, _LABEL_LEAD.sub("", col), role, kind)
        extra = _extra(row, col, ind)
        code = next((cells[j].text for j in reversed(code_cols) if j < i), codes[0] if codes else "")
        if code:
            extra["code"] = code  # the 科目编码 of the row (of its half, in tables set side by side)
        # the label column's header ("项目名称") says what the row label names: "…项目执行数" finds the row
        head = re.sub(r"\s+", "", header[at]) if ind and 0 <= at < len(header) else ""
        ind_head = f"{code + ' ' if code else ''}{head + '：' if head else ''}"
        if _numeric_only(cell.text):
            f = _cell_figure(text, row, c, (st.unit, pair_unit), at)
            if f is not None:
                if f.q.unit and f.q.unit not in cell.text:
                    extra["unit_inferred"] = "from the header, the column or a 单位 line"
                out.append((f, extra, f"{ind_head}{ind} {col}：{cell.text}".strip()))
            continue
        for f in figures_in_span(text, cell.start, cell.end):
            if role == "indicator" and not f.q.text[:1].isdigit():
                continue  # "人饮工程二期项目" in a row label: a name, not a quantity
            metric = f.metric
            if ind and (not metric or metric in ind or _TABLE_GENERIC.match(metric)):
                metric = UNIT_HINT.sub("", ind)
            k = f.kind if f.kind != "actual" else kind
            out.append((replace(f, metric=metric, kind=k), extra, f"{ind_head}{ind} {col}：{f.sentence}".strip()))
    return out


def _extra(row: TableRow, col: str, ind: str) -> dict[str, str]:
    extra = {"source": "table", "column": column_meaning(col) or col, "indicator": ind}
    if col:
        extra["header"] = col
    if row.table:
        extra["table"] = row.table
    if row.layout != "tab":
        extra["layout"] = row.layout
    if not row.aligned:
        extra["aligned"] = "guess"
    return extra


def _is_code(text: str, header: str) -> bool:
    """A budget subject code: "201 06 08" anywhere, "201" or "2010608" under a 科目编码 header."""
    return bool(SUBJECT_CODE.match(text)) and (" " in text.strip() or bool(re.search(r"编码|代码|科目", header)))


def _label(text: str, role: str) -> str:
    """The cell's text when it can name its row: any text in a label column (项目名称, 三级指标), a short name
    without digits or sentence punctuation elsewhere; "" for numbers, codes, values and notes."""
    if not text or role in _VALUE_ROLES or role in ("note", "seq") or _numeric_only(text) or SUBJECT_CODE.match(text):
        return ""
    if role == "indicator":
        return text
    return text if len(text) <= 40 and not re.search(r"[，。；,;]|\d", text) else ""


def _label_of(i: int, labels: list[str], roles: list[str]) -> int:
    """The column of the label naming cell ``i``: the nearest label column to its left holding a label, else the
    leftmost name among the cells of its group (tables set side by side, "收入 | 决算数 | 支出 | 决算数", are
    groups: the search stops at a value column left of a label column); -1 when none."""
    fallback = -1
    passed_label = False
    for j in range(i - 1, -1, -1):
        if roles[j] in _VALUE_ROLES and not (j == 0 and labels[j]):  # the first cell names its row, whatever its header
            if passed_label:
                break
            continue
        passed_label = True
        if labels[j]:
            if roles[j] == "indicator":
                return j
            fallback = j
    return fallback


def _numeric_only(cell: str) -> bool:
    qs = find_quantities(cell)
    if len(qs) != 1:
        return False
    rest = cell[:qs[0].outer_start] + cell[qs[0].outer_end:]
    return not rest.strip(" 。.\u3000=")


def _bare_unit(c: _Cell, table_unit: str, pair_unit: str) -> str:
    """The unit of a bare number in a cell: from its header, its column's role, the indicator "(%)", the other
    of a target/actual pair in the row, or the table's "单位：万元"."""
    hint = UNIT_HINT.search(c.column)
    if hint:
        return hint.group(1)
    if c.role == "rate":
        return "%"
    if c.role in ("score", "weight"):
        return "分"
    hint = UNIT_HINT.search(c.indicator)
    if hint:
        return hint.group(1)
    money_column = c.role in ("budget", "spent") or bool(_MONEY_COLUMN.search(c.column))
    return pair_unit or (table_unit if money_column else "")


def _cell_figure(text: str, row: TableRow, c: _Cell, units: tuple[str, str], label_col: int) -> Found | None:
    """A figure for a cell that holds only a number; the metric is the row label (plus the header if it names one)."""
    q = find_quantities(text[c.start:c.end])[0]
    if q.note:
        return None
    if q.unit and not q.base_unit and q.unit in ("万", "亿", "千"):  # "45万" in a table of money: 45万元
        if units[0].endswith("元") or _MONEY_LABEL.search(c.indicator + c.column):
            g = from_value(q.value, q.unit + "元")
            q = replace(q, unit=g.unit, base_value=g.base_value, base_unit=g.base_unit, kind=g.kind)
    if not q.unit:
        unit = _bare_unit(c, *units)
        if (not unit and not q.qualifier and c.role not in _VALUE_ROLES and q.value == q.value.to_integral()
                and 1990 <= q.value <= 2100):
            return None  # a year in a year column, not a figure ("≥2000" under 年度指标值 is one)
        if unit:
            g = from_value(q.value, unit)
            q = replace(q, unit=unit, base_value=g.base_value, base_unit=g.base_unit, kind=g.kind)
    named = c.role not in _NAMED_BY_ROW or not c.indicator or _year_of(c.column) is not None
    metric = UNIT_HINT.sub("", f"{c.indicator} {c.column if named else ''}").strip()
    if not metric:
        return None
    q = replace(q, start=q.start + c.start, end=q.end + c.start, outer_start=q.outer_start + c.start,
                outer_end=q.outer_end + c.start)
    ev0, ev1 = c.start, c.end
    if row.end - row.start <= ROW_EVIDENCE:
        first = row.cells[label_col] if 0 <= label_col < len(row.cells) and row.cells[label_col].text else row.cells[0]
        if first.text:
            ev0, ev1 = min(c.start, first.start), max(c.end, first.end)
    return Found(q, metric, c.kind, ev0, ev1, text[row.start:row.end])


def _year_of(header: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", header)
    return int(m.group(1)) if m else None
