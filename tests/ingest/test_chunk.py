"""Chunks follow the report's structure, carry table headers, and point at exact spans of the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.records import Chunk, Document
from ingest.chunk import LEADERS, headings, is_preamble, split
from ingest.clean import is_heading_line
from ingest.load import load_document
from ingest.tables import looks_like_header, tab_rows
from tests.conftest import SAMPLES

NAMES = ["000_817fa173afb523db.txt", "001_097af92d10472f3b.txt"]
TEXT_LIMIT = 600


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {n: load_document(SAMPLES / n) for n in NAMES}


def _body(c: Chunk) -> str:
    return c.text.split("\n", 1)[1] if "\n" in c.text else c.text


def check_invariants(doc: Document, chunks: list[Chunk], limit: int = TEXT_LIMIT) -> None:
    """Spans exact, ordered, disjoint, covering; texts short; ids stable and unique."""
    assert [c.index for c in chunks] == list(range(len(chunks)))
    covered = bytearray(len(doc.text))
    last_end = 0
    for c in chunks:
        assert 0 <= c.start < c.end <= len(doc.text)
        assert c.start >= last_end, f"chunk {c.index} overlaps the previous one"
        last_end = c.end
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
        span = doc.text[c.start:c.end]
        assert span.strip() == span, f"chunk {c.index} span has ragged whitespace"
        assert len(c.text) <= limit, (c.index, len(c.text))
        assert c.doc_id == doc.id and c.doc_name == doc.name
        if c.kind == "table_row":
            # one row, after what introduces its table when it is the first: headings, 单位 line, header row
            *lead, row = [ln for ln in span.split("\n") if ln.strip()]
            for cell in row.split("\t"):  # every cell of the row is in the text (after its column name)
                assert cell.strip() in c.text, (c.index, cell)
            for ln in lead:
                if "\t" in ln:
                    assert looks_like_header(ln.split("\t")), (c.index, ln)
                elif ln.startswith("#") or is_heading_line(ln):
                    assert ln.strip().lstrip("#").strip() in c.section, (c.index, ln)
                else:
                    assert is_preamble(ln), (c.index, ln)  # a 单位 / 编制部门 line or a title row
        elif c.kind == "text":
            for line in span.split("\n"):
                if line.strip() and not is_heading_line(line):
                    assert line.strip() in c.text, (c.index, line)
                elif line.strip():
                    assert line.strip().lstrip("#").strip() in c.section
            # never crosses a heading: headings only at the start of a chunk
            lines = [ln for ln in span.split("\n") if ln.strip()]
            seen_body = False
            for ln in lines:
                if ln.startswith("#"):
                    assert not seen_body, f"chunk {c.index} crosses heading {ln!r}"
                else:
                    seen_body = True
        elif c.kind == "contents":  # every entry, without its leader dots and page number
            for line in span.split("\n"):
                assert LEADERS.sub("", line.strip().lstrip("#").strip()) in c.text, (c.index, line)
        else:
            assert c.kind == "title" and c.text == doc.title
    missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and not covered[i]]
    assert not missing, doc.text[missing[0] - 20: missing[0] + 20]
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("name", NAMES)
def test_sample_invariants(docs: dict[str, Document], name: str) -> None:
    doc = docs[name]
    chunks = split(doc)
    check_invariants(doc, chunks)
    assert chunks[0].kind == "title" and chunks[0].text == doc.title
    assert [c.id for c in split(doc)] == [c.id for c in chunks]  # stable


@pytest.mark.parametrize("max_chars", [120, 250, 800])
def test_invariants_hold_for_other_sizes(docs: dict[str, Document], max_chars: int) -> None:
    for doc in docs.values():
        check_invariants(doc, split(doc, max_chars=max_chars), limit=max_chars + 100)


def test_heading_path(docs: dict[str, Document]) -> None:
    chunks = split(docs["001_097af92d10472f3b.txt"])
    score = next(c for c in chunks if "部门整体支出绩效自评结果为96分" in c.text)
    assert score.section == "二、综合评价分析 > （一）自评结论综述"
    assert score.text.startswith("二、综合评价分析 > （一）自评结论综述\n")
    budget = next(c for c in chunks if "预算执行率为98.15%" in c.text)
    assert budget.section == "一、基本情况 > （三）部门整体收支情况"
    problems = next(c for c in chunks if "预算执行水平有待进一步提升" in c.text)
    assert problems.section == "三、存在的主要问题"
    assert {c.kind for c in chunks} == {"title", "text"}


def test_table_row_carries_headers(docs: dict[str, Document]) -> None:
    doc = docs["000_817fa173afb523db.txt"]
    chunks = split(doc)
    row = next(c for c in chunks if "安全事故处理完成率(%)" in c.text)
    assert row.kind == "table_row"
    assert "任务(政策)关键性指标：安全事故处理完成率(%)" in row.text
    assert "预期实现值：本年实际处理完成的安全事故次数" in row.text
    assert "年度完成值：目前我局申请的事故调查专项财政经费" in row.text
    line_start = doc.text.rfind("\n", 0, row.start) + 1
    line_end = doc.text.find("\n", row.start)
    line = doc.text[line_start:line_end]
    assert doc.text[row.start:row.end] == line.strip()  # the whole row line, leading empty cells aside
    assert row.text.startswith(doc.title + "\n")  # no section headings: the title stands in


def test_long_row_split_keeps_its_key(docs: dict[str, Document]) -> None:
    doc = docs["000_817fa173afb523db.txt"]
    parts = [c for c in split(doc) if "持续深入排查整治风险隐患" in c.text]
    assert len(parts) >= 2
    line_start = doc.text.rfind("\n", 0, parts[0].start) + 1
    assert all(doc.text.rfind("\n", 0, p.start) + 1 == line_start for p in parts)  # one row
    assert all(p.kind == "table_row" and "关键指标：持续深入排查整治风险隐患" in p.text for p in parts)
    merged = next(p for p in parts if "31321次" in doc.text[p.start:p.end])
    assert "年度完成值：" in merged.text


def test_spanning_cell_label_inherited(docs: dict[str, Document]) -> None:
    chunks = split(docs["000_817fa173afb523db.txt"])
    row = next(c for c in chunks if "严防严守季节性安全风险关口" in c.text)
    assert "年度绩效目标" in row.text  # from the row-spanning first cell above


def test_header_rows_go_into_the_first_row_of_their_table(docs: dict[str, Document]) -> None:
    doc = docs["000_817fa173afb523db.txt"]
    chunks = split(doc)
    assert not [c for c in chunks if "表头：" in c.text]  # no chunk of column names alone
    heads = [r for r in tab_rows(doc.text) if r.is_header]
    assert len(heads) == 2
    for h in heads:  # each header row is in the span of the chunk of the row under it
        at = next(cell.start for cell in h.cells if cell.text)
        first = next(c for c in chunks if c.start <= at < c.end)
        below = next(r for r in tab_rows(doc.text) if r.start > h.start)
        assert first.kind == "table_row" and below.start < first.end <= below.end


def test_a_table_introduction_goes_into_its_first_row_and_an_empty_table_keeps_it() -> None:
    text = ("# 收入支出决算总表\n编制部门：某区财政局 单位：万元\n\n项目\t决算数\n合计\t100.00\n其他收入\t\n\n"
            "# 政府性基金预算财政拨款收入支出决算表\n单位：万元\n\n项目\t本年收入\t本年支出\n\n注：本表无数据。\n")
    doc = Document(name="r.md", text=text, sha256="0", title="r")
    chunks = split(doc)
    check_invariants(doc, chunks)
    first = chunks[0]
    assert first.kind == "table_row" and first.start == 0 and first.section == "收入支出决算总表"
    assert first.text == "收入支出决算总表\n项目：合计；决算数：100.00"  # the row's text, as every row's
    assert text[first.start:first.end].startswith("# 收入支出决算总表\n编制部门")
    assert chunks[1].text == "收入支出决算总表\n项目：其他收入"  # an empty cell is missing: nothing carried into it
    empty = chunks[2]
    assert empty.section == "政府性基金预算财政拨款收入支出决算表" and "表头：项目；本年收入；本年支出" in empty.text
    assert chunks[3].text.endswith("注：本表无数据。")


def test_an_empty_cell_is_missing_not_the_number_above() -> None:
    """Only a label merged down from the rows above runs on into an empty cell; a number never does."""
    text = ("单位：万元\n\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n"
            "产出指标\t数量指标\t培训人次\t200\t230\n\t\t培训班次\t\t12\n"
            "\n科目编码\t科目名称\t决算数\t科目编码\t科目名称\t决算数\n"
            "301 02\t津贴补贴\t1,238.58\t302 02\t印刷费\t7.61\n301 03\t奖金\t\t302 03\t咨询费\t\n")
    doc = Document(name="t.txt", text=text, sha256="0", title="t")
    chunks = split(doc)
    check_invariants(doc, chunks)
    row = next(c for c in chunks if "培训班次" in c.text)
    assert "一级指标：产出指标" in row.text and "二级指标：数量指标" in row.text  # merged labels run on
    assert "200" not in row.text  # the target above is not this row's target
    bonus = next(c for c in chunks if "奖金" in c.text)
    assert "1,238.58" not in bonus.text and "7.61" not in bonus.text


def test_long_paragraph_split_at_sentence_ends(docs: dict[str, Document]) -> None:
    doc = docs["001_097af92d10472f3b.txt"]
    chunks = split(doc)
    parts = [c for c in chunks if c.kind == "text" and c.section.endswith("（四）主要工作成效")]
    for c in parts:
        assert doc.text[c.end - 1] in "。；！？", doc.text[c.end - 10:c.end]


GENERATED = """2021年度广州市天河区财政局部门整体支出绩效自评报告

一、部门基本情况

（一）部门职能

广州市天河区财政局是区政府主管财政收支、财税政策的工作部门。{long}

- 2 -

（二）年度预算情况

2021年部门年初预算为1,234.56万元，本年支出1180.20万元，预算执行率为95.60%。

二、绩效指标完成情况

| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |
|---|---|---|---|---|
| 产出指标 | 数量指标 | 财政资金拨付笔数 | ≥ 1000笔 | 1,215笔 |
| | 时效指标 | 资金拨付及时率 | 100% | 98.5% |

三、存在问题

部分项目资金支出进度偏慢，需进一步加
强预算执行管理。
"""


def test_generated_layout(tmp_path: Path) -> None:
    long = "".join(f"第{i}项工作按计划推进，完成年度目标任务的{90 + i % 10}%；" for i in range(1, 40)) + "全年工作完成良好。"
    p = tmp_path / "tianhe_2021.txt"
    p.write_text(GENERATED.format(long=long), encoding="gb18030")
    doc = load_document(p)
    assert (doc.org, doc.year, doc.report_type) == ("广州市天河区财政局", 2021, "部门整体支出绩效自评报告")
    chunks = split(doc)
    check_invariants(doc, chunks)
    assert chunks[0].kind == "title"
    duty = [c for c in chunks if c.section == "一、部门基本情况 > （一）部门职能"]
    assert len(duty) >= 3  # the long paragraph was split
    rate = next(c for c in chunks if "预算执行率为95.60%" in c.text)
    assert rate.section == "一、部门基本情况 > （二）年度预算情况"
    row = next(c for c in chunks if "资金拨付及时率" in c.text)
    assert row.kind == "table_row" and row.section == "二、绩效指标完成情况"
    assert "三级指标：资金拨付及时率；年度指标值：100%；实际完成值：98.5%" in row.text
    assert "一级指标：产出指标" in row.text  # the spanning first cell is carried down
    last = chunks[-1]
    assert last.section == "三、存在问题" and "需进一步加强预算执行管理。" in last.text
    assert not any(re.search(r"- 2 -", c.text) for c in chunks)


def test_untitled_text_without_headings() -> None:
    doc = Document(name="note.txt", text="全年完成培训230人次。\n\n单位：万元\n项目\t预算数\t执行数\n培训费\t10.00\t9.50\n",
                   sha256="0", title="note")
    chunks = split(doc)
    check_invariants(doc, chunks)
    assert chunks[0].kind == "text" and chunks[0].text == "全年完成培训230人次。\n单位：万元"
    assert chunks[-1].text == "项目：培训费；预算数：10.00；执行数：9.50"


def test_heading_then_table_and_sibling_headings() -> None:
    text = "# 报告\n\n## 一、指标\n\n### （一）产出\n\n指标\t目标值\t实际值\n人次\t200\t230\n\n## 二、问题\n\n## 三、措施\n\n加强管理。\n"
    doc = Document(name="r.md", text=text, sha256="0", title="报告")
    chunks = split(doc)
    check_invariants(doc, chunks)
    assert [(c.kind, c.section) for c in chunks] == [
        ("title", ""), ("table_row", "一、指标 > （一）产出"), ("text", "二、问题"), ("text", "三、措施")]
    assert chunks[1].text == "一、指标 > （一）产出\n指标：人次；目标值：200；实际值：230"  # headings and header go with the row
    assert text[chunks[1].start:].startswith("## 一、指标")
    assert chunks[-1].text == "三、措施\n加强管理。"


def test_headings_with_levels() -> None:
    text = ("# 某区财政局2023年度部门整体支出绩效自评报告\n\n## 一、部门基本情况\n\n### （一）部门职责\n\n负责全区财政收支。\n\n"
            "第二部分 存在的问题\n\n1.支出进度偏慢\n\n部分项目上半年支出偏慢。\n\n项目\t预算数\n")
    got = [(h.level, h.text) for h in headings(text)]
    assert got == [(1, "某区财政局2023年度部门整体支出绩效自评报告"), (2, "一、部门基本情况"), (3, "（一）部门职责"),
                   (1, "第二部分 存在的问题"), (4, "1.支出进度偏慢")]
    assert all(text[h.start:h.end].lstrip("#").strip() == h.text for h in headings(text))


def test_a_table_of_contents_is_one_chunk_and_the_body_keeps_its_sections() -> None:
    text = ("# 某区财政局2024年度部门决算\n\n# 目录\n# 第一部分 部门概况\n一、主要职能……………1\n二、部门决算单位构成……2\n"
            "# 第二部分 部门决算表\n一、收入支出决算总表………3\n\n# 第一部分 部门概况\n# 一、主要职能\n负责全区财政收支。\n\n"
            "# 二、部门决算单位构成\n包括本级和下属单位。\n")
    doc = Document(name="r.md", text=text, sha256="0", title="某区财政局2024年度部门决算")
    chunks = split(doc)
    check_invariants(doc, chunks)
    toc = [c for c in chunks if "一、收入支出决算总表" in c.text]
    assert len(toc) == 1 and toc[0].kind == "contents" and toc[0].text.startswith("目录\n第一部分 部门概况\n一、主要职能\n")  # no page numbers
    assert "1" not in toc[0].text and "……" not in toc[0].text
    assert not [c for c in chunks if c.text in ("第一部分 部门概况", "第二部分 部门决算表")]  # no bare-title chunks
    duty = next(c for c in chunks if "负责全区财政收支。" in c.text)
    assert duty.section == "第一部分 部门概况 > 一、主要职能"
    assert next(c for c in chunks if "包括本级" in c.text).section == "第一部分 部门概况 > 二、部门决算单位构成"
