"""Reading report files: encodings, hashes, and one clear line for every file we refuse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.errors import BadInput
from ingest.load import SUPPORTED, load_document, load_pages, read_text
from tests.conftest import SAMPLES

SNIPPET = "# 2022 年度广州市海珠区应急管理局 部门整体支出绩效自评报告\n\n预算执行率为98.15%。\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_utf8_text_and_hash_of_bytes(tmp_path: Path) -> None:
    raw = SNIPPET.encode("utf-8")
    text, digest = read_text(_write(tmp_path, "a.txt", raw))
    assert text == SNIPPET
    assert digest == hashlib.sha256(raw).hexdigest()


def test_bom_is_stripped(tmp_path: Path) -> None:
    text, digest = read_text(_write(tmp_path, "bom.md", b"\xef\xbb\xbf" + SNIPPET.encode("utf-8")))
    assert text == SNIPPET
    assert not text.startswith("\ufeff")
    assert digest == hashlib.sha256(b"\xef\xbb\xbf" + SNIPPET.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_chinese_legacy_encodings(tmp_path: Path, encoding: str) -> None:
    snippet = (SAMPLES / "000_817fa173afb523db.txt").read_text("utf-8")[:600]
    text, _ = read_text(_write(tmp_path, f"{encoding}.txt", snippet.encode(encoding)))
    assert text == snippet


def test_utf16_with_bom(tmp_path: Path) -> None:
    text, _ = read_text(_write(tmp_path, "u16.txt", SNIPPET.encode("utf-16")))
    assert text == SNIPPET


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    text, _ = read_text(_write(tmp_path, "REPORT.TXT", SNIPPET.encode()))
    assert "98.15%" in text


def _refused(path: Path) -> str:
    with pytest.raises(BadInput) as e:
        read_text(path)
    msg = str(e.value)
    assert "\n" not in msg and path.name in msg
    return msg


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in _refused(tmp_path / "nope.txt")


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    msg = _refused(_write(tmp_path, "report.pptx", b"PK\x03\x04"))
    assert "'.pptx'" in msg and all(ext in msg for ext in SUPPORTED)


def test_read_text_is_for_text_files(tmp_path: Path) -> None:
    assert "plain-text" in _refused(_write(tmp_path, "report.pdf", b"%PDF-1.7"))


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in _refused(_write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file(tmp_path: Path) -> None:
    assert "whitespace" in _refused(_write(tmp_path, "blank.txt", "  \n\t\r\n\u3000\n".encode()))


def test_binary_named_txt(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    assert "binary" in _refused(_write(tmp_path, "image.txt", png))


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    data = bytes((i * 7919 + 13) % 255 + 1 for i in range(4000))  # no NUL, not text in any encoding
    assert "binary" in _refused(_write(tmp_path, "noise.txt", data))


def test_load_document_detects_and_cleans() -> None:
    doc = load_document(SAMPLES / "001_097af92d10472f3b.txt")
    assert doc.name == "001_097af92d10472f3b.txt"
    assert Path(doc.path).is_absolute() and Path(doc.path).name == doc.name
    assert (doc.org, doc.year, doc.report_type) == ("广州市海珠区应急管理局", 2022, "部门整体支出绩效自评报告")
    assert doc.title == "2022年度广州市海珠区应急管理局部门整体支出绩效自评报告"
    assert "**" not in doc.text and "从评价情况来看" in doc.text
    assert doc.sha256 == hashlib.sha256((SAMPLES / doc.name).read_bytes()).hexdigest()


def test_overrides_win(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.md", SNIPPET.encode())
    doc = load_document(p, org="广州市天河区财政局", year=2021, report_type="项目支出绩效自评报告")
    assert (doc.org, doc.year, doc.report_type) == ("广州市天河区财政局", 2021, "项目支出绩效自评报告")
    assert load_document(p).year == 2022


def test_same_bytes_same_id_changed_bytes_new_id(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.txt", SNIPPET.encode())
    first = load_document(p).id
    assert load_document(p).id == first
    p.write_bytes((SNIPPET + "补充。\n").encode())
    assert load_document(p).id != first


def test_only_page_numbers_is_refused(tmp_path: Path) -> None:
    p = _write(tmp_path, "pages.txt", "- 1 -\n\n第 2 页\n".encode())
    with pytest.raises(BadInput, match="pages.txt"):
        load_document(p)


def test_text_files_are_one_page(tmp_path: Path) -> None:
    doc = load_document(_write(tmp_path, "x.md", SNIPPET.encode()))
    assert doc.pages == (0,)


# --- Word, Excel, CSV and web pages, made here with the libraries that read them --------------------------

def test_docx_headings_paragraphs_merged_table_and_pages(tmp_path: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_heading("2024年度某区财政局部门整体支出绩效自评报告", level=1)
    d.add_paragraph("预算执行率为98.15%。")
    t = d.add_table(rows=4, cols=3)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "项目名称"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "预算数（万元）"
    t.cell(1, 1).text, t.cell(1, 2).text = "年初", "调整后"
    for r, row in enumerate([("办公费", "12.50", "13.00"), ("差旅费", "4.00", "3.20")], start=2):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    d.add_paragraph("第一页完。").runs[0].add_break(WD_BREAK.PAGE)
    d.add_heading("二、绩效目标", level=2)
    d.add_paragraph("完成检查31321次。")
    p = tmp_path / "报告.docx"
    d.save(str(p))
    doc = load_document(p)
    lines = doc.text.splitlines()
    assert lines[0] == "# 2024年度某区财政局部门整体支出绩效自评报告"
    assert "项目名称\t预算数（万元）/年初\t预算数（万元）/调整后" in lines
    assert "办公费\t12.50\t13.00" in lines and "差旅费\t4.00\t3.20" in lines
    assert len(doc.pages) == 2 and doc.text[doc.pages[1]:].startswith("## 二、绩效目标")


def test_empty_docx_is_refused(tmp_path: Path) -> None:
    import docx

    p = tmp_path / "空.docx"
    docx.Document().save(str(p))
    with pytest.raises(BadInput, match="空.docx.*no text"):
        load_document(p)


def test_xlsx_every_sheet_values_formats_and_merged_header(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws.append(["2024年部门收支总表"])
    ws.merge_cells("A1:C1")
    ws.append(["编制单位：某区财政局", None, "单位：万元"])
    ws.append(["项目", "决算数", None])
    ws.merge_cells("B3:C3")
    ws.append([None, "收入", "支出"])
    ws.merge_cells("A3:A4")
    ws.append(["总计", 2995.39, 2995.39])
    ws.append(["执行率", 0.982, None])
    ws["B5"].number_format = ws["C5"].number_format = "#,##0.00"
    ws["B6"].number_format = "0.00%"
    ws["C6"] = "=B6*2"
    other = wb.create_sheet("绩效目标")
    other.append(["指标", "目标值"])
    other.append(["检查次数", 30000])
    p = tmp_path / "表.xlsx"
    wb.save(p)
    pages, _ = load_pages(p)
    assert [pg.number for pg in pages] == [1, 2]
    lines = [ln.rstrip("\t") for ln in pages[0].text.splitlines()]
    assert lines[:3] == ["收支总表", "2024年部门收支总表", "编制单位：某区财政局 单位：万元"]
    assert "项目\t决算数/收入\t决算数/支出" in lines
    assert "总计\t2,995.39\t2,995.39" in lines and "执行率\t98.20%" in lines  # no formula text
    assert "检查次数\t30000" in pages[1].text


def test_legacy_xls_with_merged_header(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("收支总表")
    ws.write_merge(0, 0, 0, 2, "2024年部门收支总表")
    ws.write(1, 0, "单位：万元")
    ws.write(2, 0, "项目")
    ws.write_merge(2, 2, 1, 2, "决算数")
    ws.write(3, 1, "收入")
    ws.write(3, 2, "支出")
    money = xlwt.easyxf(num_format_str="#,##0.00")
    ws.write(4, 0, "总计")
    ws.write(4, 1, 2995.39, money)
    ws.write(4, 2, 2995.39, money)
    p = tmp_path / "表.xls"
    wb.save(str(p))
    assert load_pages(p)[0][0].text.splitlines() == [
        "收支总表", "2024年部门收支总表", "单位：万元", "", "项目\t决算数/收入\t决算数/支出", "总计\t2,995.39\t2,995.39"]


def test_csv_in_gbk(tmp_path: Path) -> None:
    p = _write(tmp_path, "表.csv", "项目,预算数,执行数\n办公费,12.50,13.00\n".encode("gbk"))
    assert load_document(p).text.splitlines()[:2] == ["项目\t预算数\t执行数", "办公费\t12.50\t13.00"]


def test_html_article_without_the_site_around_it(tmp_path: Path) -> None:
    page = """<html><head><meta charset="gbk"><title>t</title><script>var x=1;</script></head><body>
    <div class="nav"><a href="/">首页</a><a href="/zw">政务公开</a></div>
    <ul><li><a href="/a">机构概况</a></li><li><a href="/b">政策文件</a></li></ul>
    <h1>2024年度部门整体支出绩效自评报告</h1>
    <p>发布时间：2025-03-01　来源：区财政局　索引号：123-456</p>
    <p>预算执行率为<b>98.15%</b>。</p>
    <table><tr><th rowspan="2">项目</th><th colspan="2">预算数</th></tr>
    <tr><th>年初</th><th>执行数</th></tr><tr><td>办公费</td><td>12.50</td><td>13.00</td></tr></table>
    <div class="bdshare-box">分享到：微信 微博</div><p>【打印本页】【关闭窗口】</p>
    <div id="footer">主办单位：某区人民政府</div></body></html>"""
    p = _write(tmp_path, "报告.html", page.encode("gbk"))
    text = load_document(p).text
    assert "预算执行率为98.15%。" in text and "项目\t预算数/年初\t预算数/执行数" in text
    assert "办公费\t12.50\t13.00" in text
    for gone in ("首页", "机构概况", "发布时间", "索引号", "分享到", "打印本页", "主办单位", "var x"):
        assert gone not in text
