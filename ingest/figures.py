"""Every reported figure in a document, from prose and tables, with its metric, kind and evidence span."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from core.records import Chunk, Document, Figure
from ingest.clauses import Found, figures_in_span
from ingest.metrics import VOCABULARY_FILE, canonical_metric, load_metric_synonyms, normalize_metric
from ingest.numbers import find_quantities, from_value
from ingest.tables import TableRow, parse_rows

__all__ = ["VOCABULARY_FILE", "canonical_metric", "extract", "load_metric_synonyms", "normalize_metric"]

ROW_EVIDENCE = 120  # a table row up to this long is the evidence for its numeric cells
_ROLES: list[tuple[str, str]] = [  # header pattern -> column role; first match wins
    (r"序号|编号", "seq"),
    (r"^年度$|^年份$", "seq"),
    (r"指标值|预期|目标值|计划值|计划数|年度目标值|期望", "target"),
    (r"执行率|完成率|支出率|完成比例", "rate"),
    (r"上年|去年|上一年|同期|增减|变动", "other"),  # a previous period or a change: always named in the metric
    (r"执行数|执行金额|支出数|决算|实际支出|支出$|支出金额", "spent"),
    (r"完成值|实际|实现值|完成情况", "actual"),
    (r"预算数|预算金额|年初预算|全年预算|调整后预算|预算安排|资金总额|批复|预算资金", "budget"),
    (r"得分|评分", "score"),
    (r"分值|权重", "weight"),
    (r"偏差|原因|说明|备注|改进|措施", "note"),
    (r"指标|项目名称|名称|内容|项目$", "indicator"),
    (r"目标|计划", "goal"),
]
_TABLE_GENERIC = re.compile(
    r"^(?:全年|年度|当年|本年|累计|共)?(?:实际)?(?:完成|完成值|实现|实现值|达到|达成|合计|完成情况|完成率|实际完成)?$")
_NAMED_BY_ROW = {"target", "actual", "goal", "indicator", "note"}  # the header only says target/actual
_ROLE_KIND = {"target": "target", "weight": "target", "goal": "target", "budget": "budget"}
_UNIT_HINT = re.compile(r"[（(]\s*(万元|元|亿元|千元|%|分|个|人|人次|家|家次|次|天|小时|项)\s*[)）]")
_TABLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|亿元|千元)")
_MONEY_COLUMN = re.compile(r"预算|支出|收入|金额|资金|决算|经费|结转|结余")
_TARGET_SECTION = re.compile(r"目标")
_RESULT_SECTION = re.compile(r"完成|实现|情况|结果|评价|自评|成效|分析|问题")


@dataclass
class _TableState:
    indicator: str = ""  # the row label in force (merged cells leave it empty in later rows)
    unit: str = ""  # the table's money unit, from a "单位：万元" line above it or a "(万元)" header


# --- extraction ----------------------------------------------------------------------------------------


def extract(doc: Document, chunks: list[Chunk]) -> list[Figure]:
    """Every figure reported in the document: prose numbers with units and table cells with numbers.

    Args:
        doc: the cleaned document.
        chunks: its chunks, used to stamp each figure with chunk id and section.

    Returns:
        Figures in document order; evidence spans are exact slices of ``doc.text``.
    """
    text = doc.text
    rows = parse_rows(text)
    raws: list[tuple[Found, dict[str, str], str]] = []
    pos = 0
    for row in rows + [None]:
        stop = row.start if row is not None else len(text)
        for f in figures_in_span(text, pos, stop):
            raws.append((f, {"source": "prose"}, f.sentence))
        if row is not None:
            pos = row.end
    state = _TableState()
    for row in rows:
        raws += _row_figures(text, row, state)
    raws.sort(key=lambda r: (r[0].q.start, r[0].ev_start))
    return [_figure(doc, chunks, f, extra, ctx) for f, extra, ctx in raws]


def _role(header: str) -> str:
    h = re.sub(r"\s", "", header)
    if not h:
        return "other"
    for pattern, role in _ROLES:
        if re.search(pattern, h):
            return role
    return "other"


@dataclass(frozen=True)
class _Cell:
    """One table cell with what the row and header say about it."""

    start: int
    end: int
    indicator: str
    column: str
    role: str
    kind: str


def _row_figures(text: str, row: TableRow, st: _TableState) -> list[tuple[Found, dict[str, str], str]]:
    if row.is_header:
        m = list(_TABLE_UNIT.finditer(text[max(0, row.start - 200):row.start]))
        money = [h.group(1) for h in map(_UNIT_HINT.search, row.texts) if h and h.group(1).endswith("元")]
        st.unit = m[-1].group(1) if m else (money[0] if len(set(money)) == 1 else "")
        st.indicator = ""
        return []
    header = row.header or []
    roles = [_role(h) for h in header]
    cells = row.cells
    ind_cols = [i for i, r in enumerate(roles) if r == "indicator" and i < len(cells)]
    filled_ind = [i for i in ind_cols if cells[i].text]
    if filled_ind:
        st.indicator = cells[filled_ind[-1]].text
    elif not ind_cols:
        first = next((c for c in cells if c.text and len(c.text) <= 40 and not _numeric_only(c.text)
                      and not re.search(r"[，。；,;]|\d", c.text)), None)  # a label, not a sentence
        st.indicator = first.text if first else ""
    indicator = re.sub(r"^其中[:：]?|\s+", "", st.indicator)
    ind_col = filled_ind[-1] if filled_ind else (ind_cols[-1] if ind_cols else -1)
    if not ind_cols:
        ind_col = next((i for i, c in enumerate(cells) if c.text and c.text == st.indicator), -1)
    # the indicator column's header ("项目名称") says what the row label names: "…项目执行数" finds the row
    ind_head = f"{header[ind_col]}：" if indicator and 0 <= ind_col < len(header) and header[ind_col] else ""
    row_units = {q.unit for c, r in zip(cells, roles, strict=False) if r in ("target", "actual") and _numeric_only(c.text)
                 for q in find_quantities(c.text) if q.unit}
    out: list[tuple[Found, dict[str, str], str]] = []
    for i, cell in enumerate(cells):
        role = roles[i] if i < len(roles) else "other"
        if not cell.text or role == "seq" or (not ind_cols and i == ind_col):
            continue
        col = re.sub(r"\s+", "", header[i]) if i < len(header) else ""
        kind = "target" if role == "indicator" else _ROLE_KIND.get(role, "actual")
        ind = indicator if i > ind_col >= 0 or not ind_cols else ""
        pair_unit = next(iter(row_units)) if len(row_units) == 1 and role in ("target", "actual") else ""
        c = _Cell(cell.start, cell.end, ind, col, role, kind)
        extra = {"source": "table", "column": col, "indicator": ind}
        if _numeric_only(cell.text):
            f = _cell_figure(text, row, c, (st.unit, pair_unit), ind_col)
            if f is not None:
                if f.q.unit and f.q.unit not in cell.text:
                    extra["unit_inferred"] = "from the header, the column or a 单位 line"
                out.append((f, extra, f"{ind_head}{ind} {col}：{cell.text}".strip()))
            continue
        for f in figures_in_span(text, cell.start, cell.end):
            metric = f.metric
            if ind and (not metric or metric in ind or _TABLE_GENERIC.match(metric)):
                metric = _UNIT_HINT.sub("", ind)
            k = f.kind if f.kind != "actual" else kind
            out.append((replace(f, metric=metric, kind=k), extra, f"{ind_head}{ind} {col}：{f.sentence}".strip()))
    return out


def _numeric_only(cell: str) -> bool:
    qs = find_quantities(cell)
    if len(qs) != 1:
        return False
    rest = cell[:qs[0].outer_start] + cell[qs[0].outer_end:]
    return not rest.strip(" 。.\u3000")


def _bare_unit(c: _Cell, table_unit: str, pair_unit: str) -> str:
    """The unit of a bare number in a cell: from its header, its column's role, the indicator "(%)", the other
    of a target/actual pair in the row, or the table's "单位：万元"."""
    hint = _UNIT_HINT.search(c.column)
    if hint:
        return hint.group(1)
    if c.role == "rate":
        return "%"
    if c.role in ("score", "weight"):
        return "分"
    hint = _UNIT_HINT.search(c.indicator)
    if hint:
        return hint.group(1)
    money_column = c.role in ("budget", "spent") or bool(_MONEY_COLUMN.search(c.column))
    return pair_unit or (table_unit if money_column else "")


def _cell_figure(text: str, row: TableRow, c: _Cell, units: tuple[str, str], ind_col: int) -> Found | None:
    """A figure for a cell that holds only a number; the metric is the indicator (plus the header if it names one)."""
    q = find_quantities(text[c.start:c.end])[0]
    if q.note:
        return None
    if not q.unit:
        unit = _bare_unit(c, *units)
        if not unit and q.value == q.value.to_integral() and 1990 <= q.value <= 2100:
            return None  # a year in a year column, not a figure
        if unit:
            g = from_value(q.value, unit)
            q = replace(q, unit=unit, base_value=g.base_value, base_unit=g.base_unit, kind=g.kind)
    named = c.role not in _NAMED_BY_ROW or not c.indicator or _year_of(c.column) is not None
    metric = _UNIT_HINT.sub("", f"{c.indicator} {c.column if named else ''}").strip()
    if not metric:
        return None
    q = replace(q, start=q.start + c.start, end=q.end + c.start, outer_start=q.outer_start + c.start,
                outer_end=q.outer_end + c.start)
    ev0, ev1 = c.start, c.end
    if row.end - row.start <= ROW_EVIDENCE:
        first = row.cells[ind_col] if 0 <= ind_col < len(row.cells) and row.cells[ind_col].text else row.cells[0]
        if first.text:
            ev0, ev1 = min(c.start, first.start), max(c.end, first.end)
    return Found(q, metric, c.kind, ev0, ev1, text[row.start:row.end])


def _figure(doc: Document, chunks: list[Chunk], f: Found, extra: dict[str, str], context: str) -> Figure:
    chunk = _chunk_for(chunks, f.ev_start, f.ev_end, f.q.start)
    q = f.q
    info = dict(extra, num_start=str(q.start), num_end=str(q.end))  # the number itself in doc.text
    if f.role:
        info["role"] = f.role
    if q.direction:
        info["direction"] = q.direction
    metric = re.sub(r"\s+", " ", f.metric).strip()
    kind = f.kind
    if kind == "actual" and info.get("source") == "prose" and chunk is not None and _target_section(chunk.section):
        kind = "target"  # "（二）项目绩效目标 … 完成不少于15所学校的校舍维修改造": what was planned
    year = f.year or _year_of(extra.get("column", ""))
    if year and doc.year and year != doc.year:  # "2021年支出…" in a 2022 report: another year's figure
        info["year_in_text"] = str(year)
        metric = f"{year}年{metric}" if str(year) not in metric else metric
    return Figure(
        doc_id=doc.id, doc_name=doc.name, metric=metric, canonical=_canonical(metric, info.get("year_in_text", "")),
        context=re.sub(r"\s+", " ", context).strip(), value=q.value, unit=q.unit, base_value=q.base_value,
        base_unit=q.base_unit, quantity_kind=q.kind, kind=kind, qualifier=q.qualifier, org=doc.org,
        year=doc.year, report_type=doc.report_type, section=chunk.section if chunk else "",
        start=f.ev_start, end=f.ev_end, evidence=doc.text[f.ev_start:f.ev_end], chunk_id=chunk.id if chunk else "",
        extra=info,
    )


def _canonical(metric: str, other_year: str) -> str:
    """The canonical name; a figure about another year than the report's keeps that year in it."""
    if not metric:
        return ""
    canon = canonical_metric(metric)
    return canon if not other_year or other_year in canon else f"{other_year}年{canon}"


def _target_section(section: str) -> bool:
    """The innermost heading names goals, not results: "（二）项目绩效目标", "年度绩效目标"."""
    last = section.split(">")[-1]
    return bool(_TARGET_SECTION.search(last)) and not _RESULT_SECTION.search(last)


def _year_of(header: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", header)
    return int(m.group(1)) if m else None


def _chunk_for(chunks: list[Chunk], start: int, end: int, at: int) -> Chunk | None:
    """The smallest chunk that holds [start, end), else the one holding the number's position."""
    holding = [c for c in chunks if c.start <= start and end <= c.end]
    if holding:
        return min(holding, key=lambda c: c.end - c.start)
    near = [c for c in chunks if c.start <= at < c.end]
    if near:
        return min(near, key=lambda c: c.end - c.start)
    starts = sorted(chunks, key=lambda c: c.start)
    i = bisect_right([c.start for c in starts], at) - 1
    return starts[i] if i >= 0 else None
