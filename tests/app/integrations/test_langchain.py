"""The LangChain retriever and tools over real stores (Chroma, BM25, SQL) holding the sample reports."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.messages import ToolMessage

from app.integrations.langchain import ReportRetriever, ask_tool, figure_lookup_tool
from app.pipeline import Assistant

HAIZHU = "001_097af92d10472f3b.txt"
HAIZHU_ORG = "广州市海珠区应急管理局"


def check_passages(docs: list[Document]) -> None:
    assert docs and all(isinstance(d, Document) for d in docs)
    for d in docs:
        assert set(d.metadata) >= {"doc", "org", "year", "page", "section", "chunk_id"}
    top = docs[0]
    assert top.metadata["doc"] == HAIZHU and top.metadata["org"] == HAIZHU_ORG and top.metadata["year"] == 2022
    assert any("98.15%" in d.page_content for d in docs)


def test_retriever_returns_passages_with_their_provenance(assistant: Assistant) -> None:
    docs = ReportRetriever(assistant=assistant, k=4).invoke("2022年海珠区预算执行率")
    check_passages(docs)
    text = assistant.store.document_text(HAIZHU)
    d = docs[0]
    assert text[d.metadata["start"]:d.metadata["end"]] == d.page_content  # the exact stored span
    assert len(docs) <= 4


def test_retriever_filters_by_org_and_year(assistant: Assistant) -> None:
    only = ReportRetriever(assistant=assistant, k=10, org="广州市应急管理局", year=2020).invoke("预算执行率")
    assert only and {d.metadata["doc"] for d in only} == {"000_817fa173afb523db.txt"}
    assert ReportRetriever(assistant=assistant, year=1999).invoke("预算执行率") == []


@pytest.mark.slow
def test_retriever_with_the_real_e5_embedder(e5_assistant: Assistant) -> None:
    check_passages(ReportRetriever(assistant=e5_assistant, k=5).invoke("2022年海珠区预算执行率"))


def test_figure_lookup_tool_returns_the_cited_answer(assistant: Assistant) -> None:
    lookup = figure_lookup_tool(assistant)
    assert lookup.name == "lookup_figure" and set(lookup.args) == {"metric", "org", "year"}
    msg = lookup.invoke({"type": "tool_call", "id": "call-1", "name": "lookup_figure",
                         "args": {"metric": "预算执行率", "org": "海珠区", "year": 2022}})
    assert isinstance(msg, ToolMessage)
    assert "98.15%" in msg.content and f"{HAIZHU} · 第1页" in msg.content and "来源" in msg.content
    out = msg.artifact
    assert out["value"] == 98.15 and out["citations"][0]["doc"] == HAIZHU and out["citations"][0]["page"] == 1
    assert "98.15%" in out["citations"][0]["quote"]
    plain = lookup.invoke({"metric": "预算执行率", "org": "海珠区", "year": 2021})  # a plain call: the text only
    assert plain.startswith("报告中未找到答案") and "2021" in plain


def test_ask_tool_quotes_a_passage(assistant: Assistant) -> None:
    msg = ask_tool(assistant).invoke({"type": "tool_call", "id": "c2", "name": "ask_reports",
                                      "args": {"question": "海珠区应急管理局2022年存在的主要问题是什么"}})
    assert "预算执行水平有待进一步提升" in msg.content and msg.artifact["route"] == "text"
    assert msg.artifact["citations"][0]["doc"] == HAIZHU
