"""Organisation, year and report type from titles, labelled fields and file names."""

from __future__ import annotations

import pytest

from ingest.clean import clean
from ingest.meta import Meta, detect, find_title, parse_title
from tests.conftest import SAMPLES


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
