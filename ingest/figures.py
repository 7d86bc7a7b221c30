"""Every reported figure in a document, from prose and tables, with its metric, kind and evidence span."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from app.errors import BadInput
from ingest.clauses import Found, figures_in_span
from ingest.model import Chunk, Document, Figure
from ingest.numbers import find_quantities, from_value
from ingest.tables import TableRow, parse_rows

LEXICON_FILE = Path(__file__).resolve().parent.parent / "app" / "lexicon.toml"
ROW_EVIDENCE = 120  # a table row up to this long is the evidence for its numeric cells
_ROLES: list[tuple[str, str]] = [  # header pattern -> column role; first match wins
    (r"序号|编号", "seq"),
    (r"^年度$|^年份$", "seq"),
    (r"指标值|预期|目标值|计划值|计划数|年度目标值|期望", "target"),
    (r"执行率|完成率|支出率|完成比例", "rate"),
    (r"执行数|执行金额|支出数|决算数|实际支出", "spent"),
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
_NAMED_BY_ROW = {"target", "actual", "goal", "indicator", "note", "other"}  # the header only says target/actual
_ROLE_KIND = {"target": "target", "weight": "target", "goal": "target", "budget": "budget"}
_UNIT_HINT = re.compile(r"[（(]\s*(万元|元|亿元|千元|%|分|个|人|人次|家|家次|次|天|小时|项)\s*[)）]")
_TABLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|亿元|千元)")
_NORM_DROP = re.compile(r"[\s“”\"‘’'《》「」『』【】]|的|[（(][^（()）]*[)）]")
_GENERIC_PREFIX = re.compile(
    r"^(?:本|部门|单位|本单位|年度|全年|本年度|本年|当年|整体|总体|绩效|支出|我局|本局|全局|局|预算年度|资金|预算资金|年|调整后)*$"
)


@dataclass
class _TableState:
    indicator: str = ""  # the row label in force (merged cells leave it empty in later rows)
    unit: str = ""  # the table's money unit, from a "单位：万元" line above it or a "(万元)" header


# --- metric synonyms ---------------------------------------------------------------------------------


def load_metric_synonyms(extra: Path | None = None) -> dict[str, list[str]]:
    """The [metrics] section of app/lexicon.toml (canonical name -> synonyms), with an optional file merged over it.

    Raises:
        BadInput: a file that is missing or not valid TOML.
    """
    return {canon: list(syns) for canon, syns in _read_synonyms(extra)}


@lru_cache(maxsize=8)
def _read_synonyms(extra: Path | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out: dict[str, list[str]] = {}
    for path in [LEXICON_FILE] + ([Path(extra)] if extra else []):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, tomllib.TOMLDecodeError) as e:
            raise BadInput(f"metric synonyms: cannot read {path} ({e}); it must be TOML with a [metrics] table") from e
        for canon, syns in (data.get("metrics") or {}).items():
            if isinstance(syns, list):
                out.setdefault(canon, [])
                out[canon] += [str(s) for s in syns if str(s) not in out[canon]]
    return tuple((canon, tuple(syns)) for canon, syns in out.items())


def normalize_metric(text: str) -> str:
    """Metric text as compared: no spaces, quotes, parentheses or 的."""
    return _NORM_DROP.sub("", text)


def _index(synonyms: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    pairs = [(normalize_metric(s), canon) for canon, syns in synonyms.items() for s in [canon, *syns]]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


@lru_cache(maxsize=1)
def _default_index() -> list[tuple[str, str]]:
    return _index(load_metric_synonyms())


def canonical_metric(text: str, synonyms: Mapping[str, list[str]] | None = None) -> str:
    """The canonical name of a metric, for matching figures and questions the same way.

    "部门年度整体预算完成率" -> "预算执行率"; a specific prefix is kept: "执法综合业务费 执行率" ->
    "执法综合业务费预算执行率"; a metric that ends with no synonym comes back normalised.

    Args:
        text: the metric as written (or the metric phrase of a question).
        synonyms: canonical -> synonyms; default the packaged app/lexicon.toml [metrics].
    """
    t = normalize_metric(text)
    for syn, canon in (_index(synonyms) if synonyms is not None else _default_index()):
        if syn and t.endswith(syn):
            prefix = re.sub(r"(?:项目|的)+$", "", t[: len(t) - len(syn)])
            return canon if _GENERIC_PREFIX.match(prefix) else prefix + canon
    return t


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
        first = next((c for c in cells if c.text and len(c.text) <= 40 and not _numeric_only(c.text)), None)
        st.indicator = first.text if first else ""
    indicator = re.sub(r"^其中[:：]?|\s+", "", st.indicator)
    ind_col = filled_ind[-1] if filled_ind else (ind_cols[-1] if ind_cols else -1)
    if not ind_cols:
        ind_col = next((i for i, c in enumerate(cells) if c.text and c.text == st.indicator), -1)
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
                out.append((f, extra, f"{ind} {col}：{cell.text}".strip()))
            continue
        for f in figures_in_span(text, cell.start, cell.end):
            metric = f.metric
            if ind and (not metric or metric in ind or _TABLE_GENERIC.match(metric)):
                metric = _UNIT_HINT.sub("", ind)
            k = f.kind if f.kind != "actual" else kind
            out.append((replace(f, metric=metric, kind=k), extra, f"{ind} {col}：{f.sentence}".strip()))
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
    return pair_unit or (table_unit if c.role in ("budget", "spent") else "")


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
    year = f.year or _year_of(extra.get("column", ""))
    if year and doc.year and year != doc.year:  # "2021年支出…" in a 2022 report: another year's figure
        info["year_in_text"] = str(year)
        metric = f"{year}年{metric}" if str(year) not in metric else metric
    return Figure(
        doc_id=doc.id, doc_name=doc.name, metric=metric, canonical=canonical_metric(metric) if metric else "",
        context=re.sub(r"\s+", " ", context).strip(), value=q.value, unit=q.unit, base_value=q.base_value,
        base_unit=q.base_unit, quantity_kind=q.kind, kind=f.kind, qualifier=q.qualifier, org=doc.org,
        year=doc.year, report_type=doc.report_type, section=chunk.section if chunk else "",
        start=f.ev_start, end=f.ev_end, evidence=doc.text[f.ev_start:f.ev_end], chunk_id=chunk.id if chunk else "",
        extra=info,
    )


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
