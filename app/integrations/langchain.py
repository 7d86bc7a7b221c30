"""LangChain components over reportqa: a retriever of report passages and tools that return cited answers.

```python
from app.integrations.langchain import ReportRetriever, ask_tool, figure_lookup_tool
from app.pipeline import Assistant
from core.config import Settings

assistant = Assistant(Settings())
docs = ReportRetriever(assistant=assistant, k=4).invoke("海珠区预算执行率")   # Documents with doc/org/year/page
lookup = figure_lookup_tool(assistant)
lookup.invoke({"metric": "预算执行率", "org": "海珠区", "year": 2022})     # answer text with its sources
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from app.integrations.cited import ask_cited, cited, figure_question, sources_text

if TYPE_CHECKING:
    from app.pipeline import Assistant

__all__ = ["ReportRetriever", "ask_tool", "figure_lookup_tool"]


class ReportRetriever(BaseRetriever):
    """Report passages from reportqa's hybrid retrieval (dense e5 + jieba BM25, fused by rank).

    Each ``Document`` holds the exact source text of a chunk; its metadata names the document (``doc``), the
    organisation (``org``), the report year (``year``), the 1-based ``page`` (0 when unknown), the ``section``,
    ``chunk_id``, ``start``/``end`` in the stored document text and the fused ``score``.
    """

    assistant: Any = Field(description="the app.pipeline.Assistant whose stores are searched")
    k: int = Field(default=5, ge=1, le=100, description="passages to return")
    org: str | None = Field(default=None, description="only reports of this organisation (its full name)")
    year: int | None = Field(default=None, description="only reports of this year")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        st = self.assistant.state()
        scope = {d.id: d for d in st.docs}
        out = []
        for hit in st.retriever.search(query, self.k, org=self.org, year=self.year):
            c, d = hit.chunk, scope.get(hit.chunk.doc_id)
            out.append(Document(page_content=st.source(c) or c.text, id=c.id, metadata={
                "doc": c.doc_name, "org": d.org if d else None, "year": d.year if d else None, "page": c.page,
                "section": c.section, "chunk_id": c.id, "start": c.start, "end": c.end, "kind": c.kind,
                "score": hit.score}))
        return out


class FigureQuery(BaseModel):
    metric: str = Field(description="the figure asked for, in Chinese, e.g. 预算执行率, 年初预算, 项目支出")
    org: str | None = Field(default=None, description="organisation, e.g. 海珠区 or 广州市海珠区应急管理局")
    year: int | None = Field(default=None, description="report year, e.g. 2022")


class Question(BaseModel):
    question: str = Field(description="a question in Chinese naming organisation and year, "
                                      "e.g. 2022年海珠区预算执行率是多少")


def figure_lookup_tool(assistant: Assistant) -> StructuredTool:
    """A tool that looks up one reported figure; the model reads the answer with its numbered sources (document,
    page, section, quote), the program gets the whole cited answer as the tool message's ``artifact``."""

    def lookup_figure(metric: str, org: str | None = None, year: int | None = None) -> tuple[str, dict[str, Any]]:
        answer = ask_cited(assistant, figure_question(metric, org, year))
        return sources_text(answer), cited(answer)

    return StructuredTool.from_function(
        lookup_figure, name="lookup_figure", args_schema=FigureQuery, response_format="content_and_artifact",
        description="Look up a figure (预算执行率, 年初预算, 项目支出 …) of a Chinese government organisation and "
                    "year in its budget-performance reports. Returns the exact figure with the document, page and "
                    "quoted sentence, or says the reports do not state it: never guess a number instead.")


def ask_tool(assistant: Assistant) -> StructuredTool:
    """A tool that answers any question about the reports, cited as ``figure_lookup_tool`` answers."""

    def ask_reports(question: str) -> tuple[str, dict[str, Any]]:
        answer = ask_cited(assistant, question)
        return sources_text(answer), cited(answer)

    return StructuredTool.from_function(
        ask_reports, name="ask_reports", args_schema=Question, response_format="content_and_artifact",
        description="Answer a question about Chinese government budget-performance reports with the exact "
                    "figure or quoted passage and its sources, or a refusal saying why the reports do not answer.")
