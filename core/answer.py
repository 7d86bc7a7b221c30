"""The answer object every route returns, and its citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class Citation:
    """Where an answer comes from: the source file name, the section and the exact quoted span."""

    doc: str  # source file name
    section: str
    text: str  # the quoted evidence, exactly Document.text[start:end]
    start: int
    end: int
    chunk_id: str = ""
    context: str = ""  # surrounding text (e.g. the whole chunk) for display with the span highlighted
    page: int = 0  # 1-based page of the span in the source file; 0 when unknown

    @property
    def where(self) -> str:
        """Where the quote stands, as people cite it: "决算.pdf · 第7页 · 收入支出决算总表" (unknown parts left out)."""
        return " · ".join(p for p in (self.doc, f"第{self.page}页" if self.page else "", self.section) if p)


@dataclass
class Retrieved:
    """One retrieved chunk, in rank order (used by the eval harness for hit@k / MRR)."""

    chunk_id: str
    doc: str
    section: str
    text: str  # the exact source span of the chunk (Document.text[start:end])
    score: float


@dataclass
class Answer:
    """What the assistant says. ``refused`` answers carry a ``reason`` a person can act on."""

    question: str
    answer: str
    refused: bool = False
    reason: str = ""
    route: str = "text"  # "figure" | "computed" | "comparison" | "list" | "text" | "refusal" | "naive"
    citations: list[Citation] = field(default_factory=list)
    value: Decimal | None = None
    unit: str | None = None
    normalized_value: Decimal | None = None
    normalized_unit: str | None = None
    org: str | None = None
    year: int | None = None
    metric: str | None = None
    formula: str | None = None
    warnings: list[str] = field(default_factory=list)
    retrieved: list[Retrieved] = field(default_factory=list)
    latency_ms: float = 0.0

    def to_dict(self, *, with_retrieved: bool = False) -> dict[str, Any]:
        """JSON-ready dict; Decimals become strings-free numbers (float) for JSON clients."""
        d = asdict(self)
        if not with_retrieved:
            d.pop("retrieved")
        for key in ("value", "normalized_value"):
            if d[key] is not None:
                d[key] = float(d[key])
        return d


def refusal(question: str, reason: str, **kw: Any) -> Answer:
    """A refusal: no figure, no citation, a reason."""
    return Answer(question=question, answer=f"报告中未找到答案：{reason}", refused=True, reason=reason,
                  route=kw.pop("route", "refusal"), **kw)
