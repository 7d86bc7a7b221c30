"""One budget report written as .txt, .pdf, .docx and .xlsx with the real libraries (reportlab with a CJK font,
python-docx, openpyxl), for the test that every format gives the same figures.

The report has what published 部门决算 have: a title, prose in 万元, a table in 元 under its 单位 line with a
two-row header whose top cells are merged (科目编码 and 科目名称 down two rows, 本年支出 across three columns),
subject codes, a 合计 row, and enough rows that the PDF table runs over a page break.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TITLE = "上海市长宁区绿化市容局2024年度部门决算"
SECTION = "一、支出决算情况说明"
PROSE = ("本年支出合计2940.05万元，其中：基本支出2336.91万元，项目支出603.14万元。"
         "一般公共预算财政拨款支出年初预算为2993.92万元，完成年初预算的98.20%。")
CAPTION = "支出决算表"
UNIT = "单位：元"
HEAD_TOP = ["科目编码", "科目名称", "本年支出", "", ""]  # 本年支出 spans the three columns after it
HEAD_LOW = ["", "", "合计", "基本支出", "项目支出"]
FONT_NAMES = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc")


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    total: str
    basic: str  # "" when the cell is empty (a missing value, not a zero)
    project: str


def rows() -> list[Row]:
    """A 合计 row, then subject rows; amounts in 元 with two decimals."""
    names = ["行政运行", "一般行政管理事务", "信息化建设", "财政委托业务支出", "行政单位离退休", "机关事业单位基本养老保险缴费支出",
             "机关事业单位职业年金缴费支出", "其他行政事业单位养老支出", "行政单位医疗", "住房公积金", "购房补贴",
             "城管执法", "市容环境卫生", "绿化管理", "公园管理", "林业和草原", "其他城乡社区支出", "环境保护宣传",
             "污染防治", "固体废弃物与化学品", "能源节约利用", "其他节能环保支出", "档案馆", "其他一般公共服务支出"]
    out: list[Row] = []
    total_basic = total_project = 0
    for i, name in enumerate(names):
        basic = (i * 7919 + 12345) * 100 + (i * 37) % 100 if i % 3 != 1 else 0
        project = (i * 3571 + 2222) * 100 + (i * 53) % 100 if i % 2 == 1 else 0
        total_basic += basic
        total_project += project
        code = f"2{(i // 6) + 1:02d} {(i % 6) + 1:02d} {(i % 4) + 1:02d}"
        out.append(Row(code, name, _yuan(basic + project), _yuan(basic) if basic else "",
                       _yuan(project) if project else ""))
    return [Row("", "合计", _yuan(total_basic + total_project), _yuan(total_basic), _yuan(total_project)), *out]


def _yuan(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def cjk_font() -> Path | None:
    """A CJK font from Debian's packages (fonts-wqy-microhei or fonts-noto-cjk), or None when none is installed."""
    for root in (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype")):
        for name in FONT_NAMES:
            found = sorted(root.rglob(name)) if root.exists() else []
            if found:
                return found[0]
    return None


def write_txt(path: Path) -> Path:
    """The report as a text file: tables as tab-separated rows, the two header rows folded into one."""
    folded = [f"{top}/{low}" if low else top for top, low in zip(_spread(HEAD_TOP), HEAD_LOW, strict=True)]
    lines = [TITLE, "", SECTION, PROSE, "", CAPTION, UNIT, "\t".join(folded)]
    lines += ["\t".join((r.code, r.name, r.total, r.basic, r.project)) for r in rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _spread(top: list[str]) -> list[str]:
    out, last = [], ""
    for t in top:
        last = t or last
        out.append(last)
    return out


def write_docx(path: Path) -> Path:
    """The report as Word writes it: headings, a paragraph, a table whose header cells are merged."""
    import docx

    d = docx.Document()
    d.add_heading(TITLE, level=1)
    d.add_heading(SECTION, level=2)
    d.add_paragraph(PROSE)
    d.add_heading(CAPTION, level=2)
    d.add_paragraph(UNIT)
    data = rows()
    t = d.add_table(rows=2 + len(data), cols=5)
    t.style = "Table Grid"
    for j, text in enumerate(HEAD_TOP):
        if text:
            t.cell(0, j).text = text
    for j, text in enumerate(HEAD_LOW):
        if text:
            t.cell(1, j).text = text
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 1).merge(t.cell(1, 1))
    t.cell(0, 2).merge(t.cell(0, 4))
    for i, r in enumerate(data, start=2):
        for j, text in enumerate((r.code, r.name, r.total, r.basic, r.project)):
            if text:
                t.cell(i, j).text = text
    d.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    """The report as a workbook: title, section and prose in column A, the table with merged header cells and
    amounts stored as numbers shown with two decimals."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = CAPTION
    ws.append([TITLE])
    ws.append([SECTION])
    ws.append([PROSE])
    ws.append([CAPTION])
    ws.append([UNIT])
    top = ws.max_row + 1
    ws.append([t or None for t in HEAD_TOP])
    ws.append([t or None for t in HEAD_LOW])
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    ws.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
    ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=5)
    for r in rows():
        ws.append([r.code or None, r.name] + [float(v.replace(",", "")) if v else None
                                               for v in (r.total, r.basic, r.project)])
        for cell in ws[ws.max_row][2:]:
            cell.number_format = "#,##0.00"
    wb.save(path)
    return path


def write_pdf(path: Path, font: Path) -> Path:
    """The report as a PDF with a text layer: reportlab, the CJK font embedded, the table ruled, its header cells
    spanning, its rows running over a page break (the header is not repeated on the next page)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(TTFont("CJK", str(font), subfontIndex=0))
    body = ParagraphStyle("body", fontName="CJK", fontSize=11, leading=16, wordWrap="CJK")
    head1 = ParagraphStyle("h1", parent=body, fontSize=18, leading=24, alignment=1)
    head2 = ParagraphStyle("h2", parent=body, fontSize=14, leading=20)
    data = [list(HEAD_TOP), list(HEAD_LOW)] + [[r.code, r.name, r.total, r.basic, r.project] for r in rows()]
    table = Table(data, colWidths=[60, 200, 85, 85, 85], repeatRows=0)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "CJK", 10), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (4, 0)),
        ("ALIGN", (2, 2), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story = [Paragraph(TITLE, head1), Spacer(1, 12), Paragraph(SECTION, head2), Paragraph(PROSE, body),
             Spacer(1, 200), Paragraph(CAPTION, head2), Paragraph(UNIT, body), table]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path
