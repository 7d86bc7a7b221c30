"""Organisation, year and report type from titles, labelled fields and file names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from core.records import Document
from ingest.boilerplate import page_fields
from ingest.clean import clean
from ingest.meta import Meta, detect, find_title, parse_title
from ingest.pipeline import tag
from tests.conftest import SAMPLES
from vectorstore.figures import Correction


@pytest.mark.parametrize(("name", "expected"), [
    ("000_817fa173afb523db.txt", ("广州市应急管理局", 2020, "部门整体绩效完成情况表")),
    ("001_097af92d10472f3b.txt", ("广州市海珠区应急管理局", 2022, "部门整体支出绩效自评报告")),
])
def test_samples(name: str, expected: tuple[str, int, str]) -> None:
    meta = detect(clean((SAMPLES / name).read_text("utf-8")), name)
    assert (meta.org, meta.year, meta.report_type) == expected
    assert meta.title.startswith(("广州市应急管理局2020年", "2022年度广州市海珠区"))


@pytest.mark.parametrize(("title", "expected"), [
    ("2022 年度广州市海珠区应急管理局 部门整体支出绩效自评报告", ("广州市海珠区应急管理局", 2022, "部门整体支出绩效自评报告")),
    ("广州市应急管理局 2020 年部门整体绩效完成情况表", ("广州市应急管理局", 2020, "部门整体绩效完成情况表")),
    ("2021年度广州市天河区财政局部门整体支出绩效自评报告", ("广州市天河区财政局", 2021, "部门整体支出绩效自评报告")),
    ("关于广州市越秀区卫生健康局二〇二一年度项目支出绩效自评的报告", ("广州市越秀区卫生健康局", 2021, "项目支出绩效自评报告")),
    ("中共广州市委宣传部2022年部门整体支出绩效评价报告", ("中共广州市委宣传部", 2022, "部门整体支出绩效评价报告")),
    ("广东省广州市番禺区人民政府办公室2019年度部门决算", ("广东省广州市番禺区人民政府办公室", 2019, "部门决算")),
    ("深圳市南山区教育局2021年度财政专项资金绩效评价报告", ("深圳市南山区教育局", 2021, "财政专项资金绩效评价报告")),
    ("佛山市顺德区应急救援指挥中心二零二三年项目支出绩效自评表", ("佛山市顺德区应急救援指挥中心", 2023, "项目支出绩效自评表")),
])
def test_titles(title: str, expected: tuple[str, int, str]) -> None:
    assert parse_title(title) == expected


def test_fields_when_the_title_says_little() -> None:
    text = clean("绩效自评报告\n\n单位名称：广州市白云区民政局\n评价年度：2021\n\n一、基本情况\n\n本局职责是…\n")
    meta = detect(text, "report.txt")
    assert meta == Meta(org="广州市白云区民政局", year=2021, report_type="绩效自评报告", title="绩效自评报告")


def test_year_in_brackets_and_org_in_first_paragraph() -> None:
    text = clean("项目支出绩效评价报告\n（2020年度）\n\n广州市荔湾区水务局（简称区水务局）主要职责是：\n")
    meta = detect(text, "x.txt")
    assert (meta.org, meta.year, meta.report_type) == ("广州市荔湾区水务局", 2020, "项目支出绩效评价报告")


def test_file_name_fallback() -> None:
    meta = detect(clean("一、基本情况\n\n全年完成各项工作。\n"), "海珠区应急管理局_2021_自评报告.txt")
    assert (meta.org, meta.year, meta.report_type) == ("海珠区应急管理局", 2021, "自评报告")


def test_nothing_known() -> None:
    meta = detect("全年完成各项工作。\n", "001_097af92d10472f3b.txt")
    assert (meta.org, meta.year, meta.report_type) == (None, None, None)
    assert meta.title  # falls back to something readable


def test_title_split_over_two_lines() -> None:
    text = clean("广州市海珠区应急管理局\n2022年度部门整体支出绩效自评报告\n\n一、基本情况\n")
    assert find_title(text) == "广州市海珠区应急管理局2022年度部门整体支出绩效自评报告"
    meta = detect(text, "a.txt")
    assert (meta.org, meta.year, meta.report_type) == ("广州市海珠区应急管理局", 2022, "部门整体支出绩效自评报告")


def test_title_split_after_the_organisation_with_the_year_first() -> None:
    text = clean("2023年度惠州市惠城区教育局\n学前教育资助项目支出绩效自评报告\n\n第一部分 项目基本情况\n")
    meta = detect(text, "a.txt")
    assert meta.title == "2023年度惠州市惠城区教育局学前教育资助项目支出绩效自评报告"
    assert (meta.org, meta.year) == ("惠州市惠城区教育局", 2023)


def test_org_not_swallowing_following_words() -> None:
    org, _, rtype = parse_title("广州市应急管理局部门整体绩效完成情况表")
    assert org == "广州市应急管理局" and rtype == "部门整体绩效完成情况表"


# ---- published reports and the genre rules they showed --------------------------------------------------------

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "real_meta.json").read_text("utf-8"))["docs"]


def test_the_fixture_lists_every_published_report() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in (REAL / "docs").glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_published_reports(name: str) -> None:
    """Organisation and fiscal year from the text alone (a file name that says nothing), as tests/data/real_meta.json
    expects; what the excerpt does not say must come back None with confidence 0."""
    want = EXPECTED[name]
    meta = detect(clean((REAL / "docs" / name).read_text("utf-8")), "report.txt")
    assert meta.org in {want["org"], *want.get("org_accept", [])}
    assert meta.year in {want["year"], *want.get("year_accept", [])}
    for value, confidence in ((meta.org, meta.org_confidence), (meta.year, meta.year_confidence),
                              (meta.report_type, meta.type_confidence)):
        assert (confidence == 0) if value is None else (0 < confidence <= 1)


def test_speaker_line_gives_the_office_not_the_meeting_and_no_doubled_suffix() -> None:
    text = clean("关于东莞市2021年预算执行情况和2022年预算草案的报告\n"
                 "——2022年1月10日在东莞市第十七届人民代表大会第一次会议上\n东莞市财政局局长 张三\n"
                 "各位代表：\n受市人民政府委托，现将报告如下。\n")
    meta = detect(text, "a.txt")
    assert (meta.org, meta.year, meta.report_type) == ("东莞市财政局", 2021, "预算执行情况报告")
    assert meta.org_confidence >= 0.8


def test_office_named_without_its_place_takes_the_title_region() -> None:
    meta = detect(clean("关于杭州市钱塘区2021年决算草案的报告\n区财政局\n主任、各位副主任、各位委员:\n"), "a.txt")
    assert (meta.org, meta.year, meta.report_type) == ("杭州市钱塘区财政局", 2021, "决算报告")
    meta = detect(clean("各位代表:\n受区人民政府的委托,作关于2021年区本级决算和2022年上半年预算执行情况的报告。\n"),
                  "a.txt")
    assert (meta.org, meta.year, meta.report_type) == (None, 2021, "决算报告")  # no place named: no organisation


def test_fiscal_year_is_not_the_publication_date() -> None:
    page = ("信息索引号 00250036-7/2022-23182 公开方式 主动公开\n发布日期: 2022-03-01 10:17:09 点击率:\n"
            "关于拱墅区2021年预算执行情况和2022年预算的报告\n拱墅区财政局\n各位代表:\n")
    meta = detect(clean(page), "a.txt")
    assert (meta.org, meta.year) == ("拱墅区财政局", 2021)
    meta = detect(clean("2023年8月1日\n\n全部工作已于2023年12月完成,较2022年增长5%。\n"), "a.txt")
    assert (meta.year, meta.year_confidence) == (None, 0.0)  # dates and comparison bases are no fiscal year


def test_an_evaluation_notice_covers_the_previous_years_spending() -> None:
    text = clean("文成县财政局关于2024年财政支出绩效评价结果的通报\n各有关单位:\n"
                 "各预算部门(单位)对2023年度使用财政资金安排的各类项目支出开展了绩效自评。\n")
    meta = detect(text, "a.txt")
    assert (meta.org, meta.year, meta.report_type) == ("文成县财政局", 2023, "绩效评价结果通报")


def test_labelled_fields_glued_together_and_the_unit_before_its_parent() -> None:
    text = clean("项目支出绩效自评表\n(2021年度)\n项目名称道路维护主管部门佛山市禅城区交通运输局项目实施单位"
                 "佛山市禅城区公路事务中心项目负责人张三联系电话12345678\n")
    meta = detect(text, "a.txt")
    assert (meta.org, meta.year, meta.report_type) == ("佛山市禅城区公路事务中心", 2021, "项目支出绩效自评表")


def test_signature_names_the_issuer_and_its_date_is_no_year() -> None:
    text = clean("各镇人民政府:\n现下达专项资金,请加强管理,切实提高资金使用效益。\n佛山市顺德区财政局\n2023年3月20日\n")
    meta = detect(text, "a.txt")
    assert (meta.org, meta.year) == ("佛山市顺德区财政局", None)


def test_addressees_and_cited_documents_are_not_the_organisation() -> None:
    text = clean("部门整体支出绩效自评报告\n\n各区财政局、各有关单位:\n"
                 "根据《广州市财政局关于开展2022年度绩效自评工作的通知》要求,我局开展了自评。\n")
    meta = detect(text, "a.txt")
    assert (meta.org, meta.org_confidence) == (None, 0.0)


def test_traditional_characters_and_pinyin_glosses_come_out_simplified() -> None:
    assert parse_title("東莞市水務局2022年度項目支出績效自評報告") == ("东莞市水务局", 2022, "项目支出绩效自评报告")
    meta = detect(clean("評(píng)價(jià)年度:2022\n預(yù)算部門(mén)單位(公章):遂溪縣水務(wù)局\n"), "a.txt")
    assert (meta.org, meta.year) == ("遂溪县水务局", 2022)


def test_a_region_alone_is_the_organisation_at_low_confidence() -> None:
    meta = detect(clean("广东省2020年度省级促进经济高质量发展专项资金绩效自评报告\n\n一、基本情况\n"), "a.txt")
    assert (meta.org, meta.year) == ("广东省", 2020)
    titled = detect(clean("2021年度广州市财政局部门整体支出绩效自评报告\n\n一、基本情况\n"), "a.txt")
    assert titled.org == "广州市财政局" and meta.org_confidence < 0.6 < titled.org_confidence


def test_page_publisher_counts_when_the_loader_passes_it() -> None:
    raw = "来源:江宁区财政局 时间:2023-09-01 10:15\n关于江宁区2022年区级决算草案的报告\n一、收支决算情况\n"
    assert page_fields(raw) == {"publisher": "江宁区财政局", "published": "2023-09-01 10:15"}
    meta = detect(clean(raw), "a.txt", page=page_fields(raw))
    assert (meta.org, meta.year) == ("江宁区财政局", 2022)
    assert detect(clean(raw), "a.txt").org == "江宁区"  # the region of the title, without the page header


# ---- corrections: stored by name, applied by ingest ---------------------------------------------------------------

def test_tag_prefers_the_correction_then_given_values_then_detection() -> None:
    doc = Document(name="x.txt", text=clean("2021年度广州市财政局部门整体支出绩效自评报告\n一、基本情况\n"), sha256="0")
    detected = tag(doc, None)
    assert (detected.org, detected.year, detected.org_confidence) == ("广州市财政局", 2021, 0.9)
    given = tag(doc, None, year=2020)
    assert (given.org, given.year, given.year_confidence) == ("广州市财政局", 2020, 1.0)
    fixed = tag(doc, Correction("x.txt", org="广州市财政局(本级)", report_type="自评报告"), year=2020)
    assert (fixed.org, fixed.year, fixed.report_type) == ("广州市财政局(本级)", 2020, "自评报告")
    assert (fixed.org_confidence, fixed.year_confidence, fixed.type_confidence) == (1.0, 1.0, 1.0)


def test_docs_set_corrects_and_the_correction_survives_reingest(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_EMBEDDER", "hash")
    report = tmp_path / "in" / "yuexiu.txt"
    report.parent.mkdir()
    report.write_bytes((REAL / "docs" / "gd_yuexiu_2020_js.txt").read_bytes())
    runner = CliRunner()

    def run(*args: str) -> str:
        r = runner.invoke(cli, ["--data-dir", str(tmp_path / "data"), *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r.output

    run("ingest", str(report))
    assert "org=广州市越秀区财政局 (0.85)  year=2020 (0.98)  type=决算报告 (0.92)" in run("docs", "list")
    assert "org=越秀区 year=2019" in run("docs", "set", "yuexiu.txt", "--org", "越秀区", "--year", "2019")
    listed = run("docs", "list")
    assert "org=越秀区 (corrected)  year=2019 (corrected)  type=决算报告 (0.92)" in listed
    assert "unchanged" in run("ingest", str(report))  # ingest applies the correction: nothing differs
    report.write_text(report.read_text("utf-8").replace("1,581,803", "1,581,804"), "utf-8")
    assert "replaced" in run("ingest", str(report), "--year", "2018")  # a new version: still corrected
    assert "org=越秀区 (corrected)  year=2019 (corrected)" in run("docs", "list")
    assert "org=广州市越秀区财政局 year=2020" in run("docs", "set", "yuexiu.txt", "--clear")
    assert "(corrected)" not in run("docs", "list")
