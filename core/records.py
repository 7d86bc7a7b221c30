"""Plain records that flow from ingest into the stores: documents, chunks and figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal


def short_hash(text: str, n: int = 32) -> str:
    """Hex sha256 prefix, used for stable ids."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


@dataclass(frozen=True)
class Document:
    """One report after loading and cleaning.

    ``id`` depends on the file name and its bytes, so a changed file gets a new id and replaces the
    document with the same ``name``; an unchanged file keeps its id (re-ingest is a no-op).
    """

    name: str  # source file name, e.g. "001_097af92d10472f3b.txt"; the citation's ``doc``
    text: str  # cleaned text; every span below indexes into it
    sha256: str  # of the raw file bytes
    org: str | None = None  # e.g. "广州市海珠区应急管理局"
    year: int | None = None  # fiscal year the report covers, e.g. 2022 (not the publication date)
    report_type: str | None = None  # e.g. "部门整体支出绩效自评报告"
    title: str = ""
    path: str = ""
    pages: tuple[int, ...] = ()  # start offset in ``text`` of each page (1-based page n starts at pages[n-1])
    ocr: tuple[tuple[int, int, float], ...] = ()  # (start, end, confidence 0–1) of text read from page images
    # how sure each field is, 0–1: detection's confidence, 1.0 when given at ingest or corrected (`docs set`),
    # None when nobody said (a Document built by hand)
    org_confidence: float | None = None
    year_confidence: float | None = None
    type_confidence: float | None = None

    @property
    def id(self) -> str:
        return short_hash(f"{self.name}|{self.sha256}", 16)

    @property
    def text_key(self) -> str:
        """What the report says, whatever its file name or encoding: see ``text_key``."""
        return text_key(self.text)


def text_key(text: str) -> str:
    """A hash of the normalised text (NFKC, no whitespace): the same report under another name or encoding
    (GBK, UTF-16, UTF-8) has the same key."""
    import unicodedata

    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return short_hash(flat)


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document: a paragraph group or one table row with its headers.

    ``text`` is what gets embedded and searched (it may carry the section title and table column
    headers as a prefix); ``document.text[start:end]`` is the exact source span.
    """

    doc_id: str
    doc_name: str
    text: str
    start: int
    end: int
    section: str = ""  # section path, e.g. "二、综合评价分析 > （一）自评结论综述"
    index: int = 0  # position in the document
    kind: str = "text"  # "text" | "table_row" | "title" | "contents" (a table of contents, its entries as lines)
    page: int = 0  # 1-based page of ``start`` in the source file; 0 when unknown

    @property
    def id(self) -> str:
        return short_hash(f"{self.doc_id}|{self.start}|{self.end}")


@dataclass(frozen=True)
class Figure:
    """One number reported in a document, with what it measures and where it stands.

    Example: "预算执行率为98.15%" -> metric "预算执行率", canonical "预算执行率", value 98.15, unit "%",
    base_value 98.15, base_unit "%", kind "actual"; "年初预算为2626.63万元" -> unit "万元",
    base_value 26266300, base_unit "元".
    """

    doc_id: str
    doc_name: str
    metric: str  # the metric as written, e.g. "本年支出", "部门年度整体预算完成率", table 指标 name
    canonical: str  # canonical metric after synonyms, e.g. "预算执行率"
    context: str  # the clause / table row text the figure sits in (used for matching questions)
    value: Decimal  # the number as written (Chinese numerals converted), e.g. Decimal("2626.63")
    unit: str  # the unit as written, e.g. "万元", "%", "万家次", "个工作日", "" for bare numbers
    base_value: Decimal  # value in the base unit, e.g. Decimal("26266300") for 2626.63万元
    base_unit: str  # "元", "%", "家次", "人次", "个", "分" ...
    quantity_kind: str  # "money" | "percent" | "points" | "count" | "score" | "duration" | "other"
    kind: str = "actual"  # "actual" | "target" | "budget" | "change" (较上年增加…)
    qualifier: str = ""  # "近", "约", "不少于", "超过", "达到" … as written before the number
    org: str | None = None
    year: int | None = None
    report_type: str | None = None
    section: str = ""
    start: int = 0  # evidence span in Document.text
    end: int = 0
    evidence: str = ""  # Document.text[start:end]; a short sentence/clause containing the number
    chunk_id: str = ""  # the chunk whose span contains [start, end)
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    page: int = 0  # 1-based page of the number in the source file; 0 when unknown

    @property
    def id(self) -> str:
        return short_hash(f"{self.doc_id}|{self.start}|{self.end}|{self.metric}|{self.value}")

    @property
    def display(self) -> str:
        """How the figure is shown to people, e.g. "98.15%", "近540条", "2626.63万元"."""
        return f"{self.qualifier if self.qualifier in ('近', '约', '超过', '不少于', '逾') else ''}{self.value}{self.unit}"


@dataclass(frozen=True)
class Example:
    """One verified question used to fit the answer scorer (a gold line, without the eval's scoring parts).

    ``docs`` are the file names the answer comes from; ``evidence`` the exact span stating it; ``value`` and
    ``unit`` the expected figure (None for text and unanswerable questions).
    """

    question: str
    type: str  # "numeric" | "computed" | "comparison" | "text" | "unanswerable"
    answer: str = ""
    value: Decimal | None = None
    unit: str = ""
    docs: tuple[str, ...] = ()
    evidence: str = ""
