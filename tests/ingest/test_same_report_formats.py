"""The same report as .txt, .pdf, .docx and .xlsx gives the same figures: (table, label path, value, unit)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.records import Document, Figure
from ingest.chunk import split
from ingest.figures import extract
from ingest.load import load_document
from ingest.pages import page_of
from tests.ingest import formats_source as source

Key = tuple[str, str, Decimal, str]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Document, list[Figure]]]:
    font = source.cjk_font()
    assert font is not None, ("no CJK font: install Debian's fonts-wqy-microhei or fonts-noto-cjk "
                              "(scripts/test.sh does)")
    folder = tmp_path_factory.mktemp("formats")
    paths = [source.write_txt(folder / "report.txt"), source.write_pdf(folder / "report.pdf", font),
             source.write_docx(folder / "report.docx"), source.write_xlsx(folder / "report.xlsx")]
    out = {}
    for p in paths:
        doc = load_document(p)
        out[p.suffix] = (doc, extract(doc, split(doc)))
    return out


def _keys(figures: list[Figure]) -> set[Key]:
    return {(f.extra.get("table", ""), f.metric, f.value.normalize(), f.unit) for f in figures}


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".xlsx"])
def test_every_format_gives_the_figures_of_the_text_file(reports: dict[str, tuple[Document, list[Figure]]],
                                                          suffix: str) -> None:
    want, got = _keys(reports[".txt"][1]), _keys(reports[suffix][1])
    assert got == want, (sorted(want - got)[:5], sorted(got - want)[:5])
    assert len(reports[suffix][1]) == len(reports[".txt"][1])  # no figure read twice


def test_the_figures_are_the_report_s(reports: dict[str, tuple[Document, list[Figure]]]) -> None:
    """What the source says, in its units: 元 in the table (under 单位：元), 万元 in the prose; merged header cells
    folded into the column names; the 合计 row named 合计; empty cells give no figure."""
    data = source.rows()
    keys = _keys(reports[".txt"][1])
    assert ("", "本年支出合计", Decimal("2940.05"), "万元") in keys
    assert (source.CAPTION, "合计 本年支出/合计", Decimal(data[0].total.replace(",", "")).normalize(), "元") in keys
    info = next(r for r in data if r.name == "信息化建设")
    assert (source.CAPTION, "信息化建设 本年支出/基本支出", Decimal(info.basic.replace(",", "")).normalize(), "元") in keys
    assert not info.project and not any(k[1] == "信息化建设 本年支出/项目支出" for k in keys)
    cells = sum(1 for r in data for v in (r.total, r.basic, r.project) if v)
    assert len([k for k in keys if k[0] == source.CAPTION]) == cells
    codes = {f.extra.get("code") for f in reports[".pdf"][1] if f.metric.startswith("信息化建设 ")}
    assert codes == {info.code}


def test_the_pdf_table_runs_over_a_page_break_with_its_header_carried(
        reports: dict[str, tuple[Document, list[Figure]]]) -> None:
    doc, figures = reports[".pdf"]
    assert len(doc.pages) == 2
    last = source.rows()[-1]
    fig = next(f for f in figures if f.metric == f"{last.name} 本年支出/合计")
    assert page_of(doc, int(fig.extra["num_start"])) == 2 and fig.unit == "元"
