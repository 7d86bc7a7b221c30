"""Every citation carries the page of the source file its quote starts on; the CLI and the API show it."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from app.citations import paginate
from app.figures.match import citation
from app.web.schemas import CitationOut
from core.answer import Answer, Citation
from core.records import Chunk, Document, Figure
from ingest.chunk import split
from ingest.figures import extract
from ingest.load import load_document
from ingest.pages import page_at, stamp
from tests.conftest import REPO
from vectorstore.figures import FigureStore

CZJ = REPO / "tests" / "data" / "formats" / "shpt_czj_2024_bmjs.pdf"  # 25 pages


@cache
def _czj() -> tuple[Document, list[Chunk], list[Figure]]:
    doc = load_document(CZJ)
    chunks = split(doc)
    chunks, figures = stamp(doc, chunks, extract(doc, chunks))
    return doc, chunks, figures


def _stored(tmp_path: Path) -> FigureStore:
    doc, chunks, figures = _czj()
    store = FigureStore(f"sqlite:///{tmp_path / 'rq.sqlite3'}")
    store.replace_document(doc, chunks, figures, [["t"]] * len(chunks))
    return store


def test_a_figure_citation_gets_the_page_of_its_number(tmp_path: Path) -> None:
    store = _stored(tmp_path)
    try:
        _, _, figures = _czj()
        score = next(f for f in figures if f.value == Decimal("99.43"))
        ans = paginate(Answer(question="平均得分", answer="99.43分", citations=[citation(score)]), store)
        assert ans.citations[0].page == 23 == score.page
        assert "99.43" in ans.citations[0].text
    finally:
        store.close()


def test_a_quote_after_a_page_break_inside_its_chunk_gets_the_later_page(tmp_path: Path) -> None:
    """The chunk starts with its heading at the foot of page 23; the quoted sentence stands on page 24."""
    store = _stored(tmp_path)
    try:
        doc, chunks, _ = _czj()
        chunk = next(c for c in chunks if "机关运行经费支出184.65万元" in doc.text[c.start:c.end])
        s = doc.text.index("机关运行经费支出184.65万元", chunk.start)
        e = s + len("机关运行经费支出184.65万元")
        cite = Citation(doc.name, chunk.section, doc.text[s:e], s, e, chunk.id, page=chunk.page)
        assert chunk.page == 23 and page_at(doc.pages, s) == 24
        paginate(Answer(question="机关运行经费", answer="184.65万元", citations=[cite]), store)
        assert cite.page == 24
    finally:
        store.close()


def test_the_cli_and_the_api_show_the_page() -> None:
    cite = Citation("决算.pdf", "收入支出决算总表", "总计\t2,995.39", 10, 21, page=7)
    assert cite.where == "决算.pdf · 第7页 · 收入支出决算总表"  # what `reportqa ask` prints in brackets
    assert Citation("r.txt", "", "x", 0, 1).where == "r.txt"  # nothing known is left out, not shown as 0
    out = CitationOut.model_validate(cite, from_attributes=True).model_dump()
    assert out["page"] == 7 and out["doc"] == "决算.pdf"


def test_a_document_stored_before_pages_were_kept_keeps_its_citation_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    FigureStore(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text('ALTER TABLE documents DROP COLUMN "pages"'))
    engine.dispose()
    store = FigureStore(url)  # the column comes back, empty for old rows
    try:
        doc = Document(name="old.txt", text="预算执行率为98.15%。", sha256="0")  # no page starts, as old rows
        store.replace_document(doc, [], [], [])
        assert store.page_starts(["old.txt", "missing.pdf"]) == {"old.txt": ()}
        cite = Citation("old.txt", "", "98.15%", 6, 12, page=3)
        paginate(Answer(question="q", answer="98.15%", citations=[cite]), store)
        assert cite.page == 3
    finally:
        store.close()


def test_a_cited_number_read_unsurely_by_ocr_is_flagged(tmp_path: Path) -> None:
    """Figures keep the OCR confidence of their number; an answer citing one below 0.8 says to check the page."""
    text = "收入支出预算总表\n收入总计\t96,282,213.44\t支出总计\t96,282,213.44\n本年支出合计2940.05万元。"
    doc = Document(name="scan.pdf", text=text, sha256="0", pages=(0, text.index("本年")),
                   ocr=((0, len(text), 0.55),))
    chunks = split(doc)
    chunks, figures = stamp(doc, chunks, extract(doc, chunks))
    unsure = next(f for f in figures if f.value == Decimal("96282213.44"))
    assert unsure.extra["ocr_conf"] == "0.550"
    store = FigureStore(f"sqlite:///{tmp_path / 'rq.sqlite3'}")
    try:
        store.replace_document(doc, chunks, figures, [["t"]] * len(chunks))
        ans = paginate(Answer(question="收入总计", answer="96282213.44元", citations=[citation(unsure)]), store)
        assert ans.citations[0].page == 1
        assert ans.warnings == ["“96282213.44”由OCR从扫描页识别，置信度0.55，请对照第1页核对"]
        sure = next(f for f in figures if f.value == Decimal("2940.05"))
        calm = paginate(Answer(question="本年支出", answer="2940.05万元", citations=[
            Citation(doc.name, "", text[sure.start:sure.end], sure.start, sure.end, "")]), store)
        assert calm.warnings == [] and calm.citations[0].page == 2
    finally:
        store.close()
