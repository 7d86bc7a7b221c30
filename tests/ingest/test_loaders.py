"""Loaders for every format, on the two real published PDFs and on small files made here with real libraries."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.errors import BadInput
from core.protocols import Page
from core.records import Document
from ingest.chunk import split
from ingest.figures import extract
from ingest.load import SUPPORTED, load_document, load_pages
from ingest.loaders import LOADERS, loader_for
from ingest.pages import join_pages, page_of, stamp
from tests.conftest import REPO
from tests.vectorstore.conftest import postgres_schema, postgres_url, store_target  # noqa: F401
from vectorstore.figures import FigureStore

FORMATS = REPO / "tests" / "data" / "formats"
CZJ, SFJ = FORMATS / "shpt_czj_2024_bmjs.pdf", FORMATS / "shpt_sfj_2026_bmys.pdf"


@cache
def _pdf(path: Path) -> tuple[list[Page], Document]:
    return load_pages(path)[0], load_document(path)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# --- the real PDFs ------------------------------------------------------------------------------------


def test_every_loader_speaks_the_protocol() -> None:
    assert {".txt", ".md", ".pdf", ".docx", ".xlsx", ".xls", ".csv", ".html", ".htm"} <= SUPPORTED
    for suffix, loader in LOADERS.items():
        assert suffix in loader.suffixes and callable(loader.load)


def test_pdf_pages_and_page_starts() -> None:
    pages, doc = _pdf(CZJ)
    assert [p.number for p in pages] == list(range(1, 26))
    assert len(doc.pages) == 25 and doc.pages[0] == 0 and list(doc.pages) == sorted(doc.pages)
    assert "部门决算" in pages[0].text and "收入决算表" in pages[7].text
    for p in pages:  # each page's cleaned text starts with that page's own first line
        first = next((ln for ln in p.text.splitlines() if len(_squash(ln)) >= 4), None)
        if first is not None:
            start = doc.pages[p.number - 1]
            assert _squash(first.lstrip("#"))[:4] in _squash(doc.text[start:start + 200]), p.number
    assert (doc.org, doc.year) == ("上海市普陀区财政局", 2024)


def test_numbers_stay_on_their_sentence() -> None:
    """The text layer sets digits in another font whose boxes sit lower: they must not drop to the next line."""
    _, doc = _pdf(CZJ)
    assert "完成年初预算的98.20%。决算数小于预算数的主要原因" in doc.text
    assert "编报绩效目标的2024年度项目4个，涉及预算金额598.42万元" in doc.text
    assert "深入推进“公物仓”改革" in doc.text


def test_tables_are_rows_with_folded_headers_and_units() -> None:
    pages, _ = _pdf(CZJ)
    p8 = pages[7].text.splitlines()
    assert "单位：万元" in p8
    header = next(ln for ln in p8 if ln.startswith("支出功能分类/科目编码\t"))
    assert header.split("\t")[1:4] == ["科目名称", "本年收入合计", "财政拨款收入"]
    assert any(ln.startswith("201 06 08\t财政委托业务支出\t449.52\t449.52") for ln in p8)
    assert "收入/项目\t收入/决算数\t支出/项目\t支出/决算数" in pages[5].text  # 收入 spans 项目 and 决算数


def test_a_table_cut_by_the_page_end_keeps_its_header() -> None:
    pages, _ = _pdf(CZJ)
    p9 = pages[8].text.splitlines()
    assert p9[:2] == ["单位：万元", next(ln for ln in pages[7].text.splitlines() if ln.startswith("支出功能分类/"))]
    assert any(ln.startswith("210 11 01\t行政单位医疗\t60.99\t60.99") for ln in p9)
    p13 = pages[12].text.splitlines()  # the 财政拨款收入支出决算总表 goes on to p13 without its header
    assert p13[1].startswith("收入/项目\t收入/决算数\t支出/项目")


def test_gold_evidence_numbers_are_in_the_text() -> None:
    gold = [json.loads(x) for x in (FORMATS / "qa.jsonl").read_text("utf-8").splitlines() if x.strip()]
    missing = []
    for item in gold:
        if not item["evidence"]:
            continue
        text = _squash(_pdf(FORMATS / item["doc"])[1].text)
        for n in re.findall(r"\d[\d,]*(?:\.\d+)?%?", item["evidence"]):
            if n not in text:
                missing.append((item["id"], n))
    assert not missing


def test_chunks_and_figures_carry_their_page() -> None:
    pages, doc = _pdf(SFJ)
    chunks = split(doc)
    chunks, figures = stamp(doc, chunks, extract(doc, chunks))
    assert all(1 <= c.page <= len(pages) for c in chunks) and all(1 <= f.page <= len(pages) for f in figures)
    for f in figures:  # the number is printed on the page the figure names
        number = doc.text[int(f.extra["num_start"]):int(f.extra["num_end"])]
        assert _squash(number) in _squash(pages[f.page - 1].text), (f.metric, number, f.page)
    row = next(c for c in chunks if "96,282,213.44" in doc.text[c.start:c.end])
    assert row.page == 10 == page_of(doc, row.start)
    fig = next(f for f in figures if str(f.value) == "7054.05")
    assert fig.page == 22


def test_join_pages_and_page_of() -> None:
    text, starts = join_pages(["第一页的内容。\n", "", "- 2 -\n第三页的内容，\n继续。"])
    assert text[starts[0]:].startswith("第一页") and text[starts[2]:].startswith("第三页")
    assert starts[1] == starts[2]  # an empty page starts where the next one does
    doc = Document(name="x.txt", text=text, sha256="0", pages=starts)
    assert [page_of(doc, starts[0]), page_of(doc, starts[2] + 1)] == [1, 3]
    assert page_of(Document(name="y.txt", text="a", sha256="0"), 0) == 0


def test_pages_go_into_the_store(store_target) -> None:  # noqa: F811
    _, doc = _pdf(SFJ)
    chunks = split(doc)[:40]
    chunks, figures = stamp(doc, chunks, extract(doc, chunks))
    store = store_target.open()
    try:
        store.replace_document(doc, chunks, figures, [["t"]] * len(chunks))
        assert sorted(c.page for c in store.chunks([doc.id])) == sorted(c.page for c in chunks)
        assert {f.id: f.page for f in store.figures(doc_id=doc.id)} == {f.id: f.page for f in figures}
    finally:
        store.close()


def test_a_store_made_before_pages_gets_the_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    FigureStore(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text('ALTER TABLE chunks DROP COLUMN "page"'))
        conn.execute(sa.text('ALTER TABLE figures DROP COLUMN "page"'))
    engine.dispose()
    store = FigureStore(url)
    store.close()
    engine = sa.create_engine(url)
    cols = {t: {c["name"] for c in sa.inspect(engine).get_columns(t)} for t in ("chunks", "figures")}
    engine.dispose()
    assert "page" in cols["chunks"] and "page" in cols["figures"]


# --- bad files --------------------------------------------------------------------------------------


def _refused(path: Path, *words: str) -> str:
    with pytest.raises(BadInput) as e:
        load_document(path)
    msg = str(e.value)
    assert "\n" not in msg and path.name in msg and all(w in msg for w in words), msg
    return msg


def test_truncated_pdf(tmp_path: Path) -> None:
    p = tmp_path / "cut.pdf"
    p.write_bytes(SFJ.read_bytes()[:60000])
    _refused(p, "damaged or truncated")


def test_encrypted_pdf(tmp_path: Path) -> None:
    p = tmp_path / "locked.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                  b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                  b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
                  b"4 0 obj << /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
                  + b"> /P -4 >> endobj\ntrailer << /Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff>"
                  b" <00112233445566778899aabbccddeeff>] /Size 5 >>\n%%EOF\n")
    _refused(p, "encrypted")


def test_scanned_pages_are_read_by_ocr_with_confidence(tmp_path: Path) -> None:
    """An image-only copy of the budget table page: rows come back in their columns, figures carry ocr_conf."""
    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(str(SFJ))[9].render(scale=150 / 72).to_pil().convert("RGB")
    p = tmp_path / "scan.pdf"
    image.save(p, resolution=150)
    doc = load_document(p)
    lines = doc.text.splitlines()
    assert "收入总计\t96,282,213.44\t支出总计\t96,282,213.44" in lines
    assert any(ln.startswith("2.政府性基金预算\t0.00\t三、卫生健康支出\t1,149,678.00") for ln in lines)
    assert doc.ocr and all(0 < c <= 1 for _, _, c in doc.ocr)
    chunks = split(doc)
    _, figures = stamp(doc, chunks, extract(doc, chunks))
    total = [f for f in figures if str(f.value) == "96282213.44"]
    assert total and all(f.page == 1 and 0.9 <= float(f.extra["ocr_conf"]) <= 1 for f in total)


def test_a_blank_scan_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    p = tmp_path / "blank.pdf"
    Image.new("RGB", (620, 880), "white").save(p)
    _refused(p, "OCR found no text", "page(s) 1")


def test_pdf_that_is_a_web_page(tmp_path: Path) -> None:
    p = tmp_path / "report.pdf"
    p.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", "utf-8")
    _refused(p, "named .pdf", "HTML")


def test_unsupported_type_lists_the_supported_ones(tmp_path: Path) -> None:
    p = tmp_path / "slides.pptx"
    p.write_bytes(b"PK\x03\x04")
    msg = _refused(p, "'.pptx'")
    assert all(s in msg for s in SUPPORTED)


def test_sniffing_reads_mislabelled_sheets_as_what_they_are(tmp_path: Path) -> None:
    p = tmp_path / "表.xls"
    p.write_text("<html><body><table><tr><th>项目</th><th>预算数</th></tr>"
                 "<tr><td>办公费</td><td>12.50</td></tr></table></body></html>", "utf-8")
    assert loader_for(p, p.read_bytes()[:100]) is LOADERS[".html"]
    assert "办公费\t12.50" in load_document(p).text
