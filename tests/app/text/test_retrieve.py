"""Hybrid retrieval rules that do not need the dense model: named sections and report-wide words (BM25 only)."""

from __future__ import annotations

from app.text.retrieve import HybridRetriever, rrf
from core.records import Document
from ingest.chunk import split
from ingest.clean import clean
from ingest.meta import detect
from vectorstore.bm25 import BM25Index, tokenize

REPORT = """某县市场监督管理局2021年度食品安全抽检监测专项经费绩效自评报告

一、项目基本情况

食品安全抽检监测专项经费用于全县食品安全监督抽检和风险监测，由县食品检验所实施食品安全抽检。

二、绩效目标完成情况

全年完成食品安全抽检监测1200批次，食品安全抽检覆盖全部食品大类，食品安全抽检信息及时公布。

食品安全抽检发现不合格样品21批次，食品安全抽检不合格食品核查处置率100%。

三、自评结论

本项目自评得分为89分，自评等级为“良”。

四、存在问题

部分抽检任务委托较晚，上半年进度偏慢。

五、改进措施

提前启动第三方检验机构采购，均衡推进全年任务。
"""


def _retriever() -> tuple[HybridRetriever, Document]:
    text = clean(REPORT)
    meta = detect(text, "r.txt")
    doc = Document(name="r.txt", text=text, sha256="x", org=meta.org, year=meta.year, title=meta.title)
    chunks = split(doc)
    bm25 = BM25Index.build([c.id for c in chunks], [tokenize(c.text) for c in chunks])
    return HybridRetriever(None, bm25, {c.id: c for c in chunks}, {doc.id: (doc.org, doc.year)}), doc


def test_rrf_weights() -> None:
    fused = rrf([["a", "b"], ["b"]], k=10, weights=[1.0, 2.0])
    assert fused["b"] > fused["a"]


def test_words_every_chunk_of_the_report_has_do_not_decide() -> None:
    r, doc = _retriever()
    hits = r.search("食品安全抽检专项自评等级", 3, org=doc.org, year=doc.year)
    assert "自评等级" in hits[0].chunk.text


def test_a_named_section_comes_first() -> None:
    r, doc = _retriever()
    hits = r.search("食品安全抽检存在的主要问题", 3, org=doc.org, year=doc.year)
    assert hits[0].chunk.section == "四、存在问题"
    hits = r.search("下一步改进措施", 3, org=doc.org, year=doc.year)
    assert hits[0].chunk.section == "五、改进措施"
    hits = r.search("工作短板", 3, org=doc.org, year=doc.year)  # no word of the section, only its kind
    assert hits and hits[0].chunk.section == "四、存在问题"


def test_out_of_scope_finds_nothing() -> None:
    r, doc = _retriever()
    assert r.search("存在问题", 3, org=doc.org, year=1999) == []
