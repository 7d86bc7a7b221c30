"""Every reported figure in a document, from prose and tables, with its metric, kind and evidence span."""

from __future__ import annotations

import re
from bisect import bisect_right

from core.records import Chunk, Document, Figure
from ingest.cells import Raw, TableState, row_figures
from ingest.clauses import Found, figures_in_span
from ingest.metrics import VOCABULARY_FILE, canonical_metric, load_metric_synonyms, normalize_metric
from ingest.tables import parse_rows

__all__ = ["VOCABULARY_FILE", "canonical_metric", "extract", "load_metric_synonyms", "normalize_metric"]

CONTEXT_MAX = 300  # a prose figure's context: its sentence, or this much of it around the evidence
_TARGET_SECTION = re.compile(r"目标")
ITEM_START = re.compile(r"^\s*(?:\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[）)]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")
TRAILING_AMOUNT = re.compile(r"[\d.,，]+\s*(?:万元|亿元|元)?$")  # "…基层司法业务（04项）2170.39万元"
SUBJECT_LEVEL = re.compile(r"[（(]\d{2,3}\s*[类款项][）)]")  # 科目 levels written in prose: "（204类）", "（06款）"
ITEM_LINES, ITEM_REACH = 4, 600  # how far back the start of an item is looked for
_RESULT_SECTION = re.compile(r"完成|实现|情况|结果|评价|自评|成效|分析|问题")


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
    raws: list[Raw] = []
    pos = 0
    for row in rows + [None]:
        stop = row.start if row is not None else len(text)
        for f in figures_in_span(text, pos, stop):
            if SUBJECT_LEVEL.match(text, max(0, f.q.start - 1)):
                continue  # "公共安全支出（204类）司法（06款）": a subject code, not a quantity
            extra, context = {"source": "prose"}, _context(text, f)
            subject = item_subject(text, f.ev_start)
            if subject and subject not in context:
                extra["subject"] = subject
                context = f"{subject}：{context}"
            raws.append((f, extra, context))
        if row is not None:
            pos = row.end
    state = TableState()
    for row in rows:
        raws += row_figures(text, row, state)
    raws.sort(key=lambda r: (r[0].q.start, r[0].ev_start))
    index = _Chunks(chunks)
    return [_figure(doc, index, f, extra, ctx) for f, extra, ctx in raws]


def _figure(doc: Document, chunks: _Chunks, f: Found, extra: dict[str, str], context: str) -> Figure:
    chunk = chunks.find(f.ev_start, f.ev_end, f.q.start)
    q = f.q
    info = dict(extra, num_start=str(q.start), num_end=str(q.end))  # the number itself in doc.text
    if f.role:
        info["role"] = f.role
    if q.direction:
        info["direction"] = q.direction
    metric = re.sub(r"\s+", " ", f.metric).strip() or _line_before(doc.text, f.ev_start)
    kind = f.kind
    if kind == "actual" and info.get("source") == "prose" and chunk is not None and _target_section(chunk.section):
        kind = "target"  # "（二）项目绩效目标 … 完成不少于15所学校的校舍维修改造": what was planned
    year = f.year or _year_of(extra.get("header", ""))
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


def _line_before(text: str, at: int) -> str:
    """A short label line right above a number that stands alone ("执行情况\n(10分)"), else ""."""
    line_start = text.rfind("\n", 0, at) + 1
    if text[line_start:at].strip(" (（"):
        return ""
    prev = text[max(0, line_start - 40):max(0, line_start - 1)].rsplit("\n", 1)[-1].strip()
    return prev if 0 < len(prev) <= 20 and not re.search(r"[\d。；;，,]", prev) else ""


def item_subject(text: str, at: int) -> str:
    """What the numbered item holding position ``at`` is about, when its figures stand in later sentences:
    "3、一般公共服务支出（类）财政事务（款）信息化建设（项）。主要用于：…。年初预算为135.90万元" ->
    "一般公共服务支出（类）财政事务（款）信息化建设（项）"; "" outside such an item. The item starts a line at most
    ``ITEM_LINES`` lines and ``ITEM_REACH`` characters back, with no blank line, heading or table row between; a
    numbered line without a sentence of its own is a heading, not an item."""
    start = at
    for _ in range(ITEM_LINES):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", line_start)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        m = ITEM_START.match(line)
        if m:
            rest = text[line_start + m.end():line_start + m.end() + ITEM_REACH]
            stop = re.search(r"[。：:；;！？]", rest)
            lead = rest[:stop.start()] if stop else ""
            if not lead or at - line_start > ITEM_REACH or line_start + m.end() + len(lead) >= at:
                return ""  # no lead sentence, too far, or the figure stands in it
            first, _, wrapped = lead.partition("\n")
            if wrapped and not wrapped.lstrip().startswith(("（", "(")) or "\n" in wrapped:
                return ""  # a heading line: the next line starts the text under it
            head = TRAILING_AMOUNT.sub("", first + wrapped.strip()).strip()
            return head if 2 <= len(head) <= 60 else ""
        if line_start == 0 or not line.strip() or line.lstrip().startswith("#") or "\t" in line:
            return ""
        start = line_start - 1
        if not text[line_start - 2:line_start - 1].strip():
            return ""  # a blank line above: another paragraph
    return ""


def _context(text: str, f: Found) -> str:
    """The sentence of a prose figure, or a window of it around the evidence when it is long (one long sentence
    with many numbers must not cost quadratic time)."""
    if len(f.sentence) <= CONTEXT_MAX:
        return f.sentence
    return text[max(0, f.ev_start - CONTEXT_MAX // 2):f.ev_end + CONTEXT_MAX // 2]


class _Chunks:
    """Chunks by position: the chunk of a figure in O(log n) (``split`` gives chunks that never overlap)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = sorted(chunks, key=lambda c: (c.start, c.end))
        self.starts = [c.start for c in self.chunks]
        self.disjoint = all(a.end <= b.start for a, b in zip(self.chunks, self.chunks[1:], strict=False))

    def find(self, start: int, end: int, at: int) -> Chunk | None:
        """The smallest chunk that holds [start, end), else the one holding the number's position ``at``."""
        if not self.disjoint:
            return _chunk_for(self.chunks, start, end, at)
        for lo, hi in ((start, end), (at, at + 1)):
            i = bisect_right(self.starts, lo) - 1
            if i >= 0 and self.chunks[i].start <= lo and hi <= max(self.chunks[i].end, lo + 1):
                return self.chunks[i]
        i = bisect_right(self.starts, at) - 1
        return self.chunks[i] if i >= 0 else None


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
