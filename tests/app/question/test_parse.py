"""Question parsing: organisations (longest alias, unknown places, ambiguity), years, metric, type, unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.question.parse import CatalogEntry, Query, load_lexicon, parse, rewrite_followup, years_in
from core.errors import BadInput

CITY = "广州市应急管理局"
HAIZHU = "广州市海珠区应急管理局"
CATALOG = [CatalogEntry(CITY, 2020, "000.txt", "部门整体绩效完成情况表"),
           CatalogEntry(HAIZHU, 2022, "001.txt", "部门整体支出绩效自评报告")]
LEX = load_lexicon()


def p(question: str, catalog: list[CatalogEntry] = CATALOG) -> Query:
    return parse(question, catalog, LEX)


@pytest.mark.parametrize("question, orgs", [
    ("2022年海珠区预算执行率是多少", [HAIZHU]),
    ("海珠区应急局2022年政府性基金预算财政拨款收入是多少？", [HAIZHU]),
    ("广州市海珠区应急管理局2022年年初预算", [HAIZHU]),
    ("海珠应急管理局的本年支出", [HAIZHU]),
    ("广州市应急管理局2020年预算执行率", [CITY]),  # must not resolve to the district bureau
    ("2020年广州投放了多少块安全宣传公益海报和广告", [CITY]),
    ("2020年广州市安全事故处理完成率是多少", [CITY]),
    ("2020年广州市应急管理局和2022年海珠区应急管理局，谁的预算执行率更高", [CITY, HAIZHU]),
])
def test_known_organisations_longest_alias_wins(question: str, orgs: list[str]) -> None:
    q = p(question)
    assert q.orgs == orgs
    assert q.unknown_org is None and q.ambiguous_orgs == []


@pytest.mark.parametrize("question, unknown", [
    ("2022年天河区应急管理局本年支出是多少", "天河区应急管理局"),
    ("番禺区财政局2022年预算执行率", "番禺区财政局"),
    ("2022年海珠区财政局预算执行率", "海珠区财政局"),  # known region, another department
    ("2022年广州市天河区应急管理局本年支出是多少", "广州市天河区应急管理局"),
    ("天河区2022年预算执行率是多少", "天河区"),
    ("请问佛山市2021年预算执行率", "佛山市"),
    ("2022年清城区财政局预算执行率", "清城区财政局"),  # ends with 城区 and still a district
    ("金山区2022年本年支出", "金山区"),
])
def test_unknown_organisations_and_places_are_flagged(question: str, unknown: str) -> None:
    q = p(question)
    assert q.unknown_org == unknown
    assert HAIZHU not in q.orgs or "海珠区财政局" != unknown


@pytest.mark.parametrize("question", [
    "2022年海珠区全区安全生产行政处罚多少宗",
    "琶洲地区区域评估经费涉及资金多少？",
    "2020年全市各级应急管理部门实施经济罚款额多少",
    "2020年广州市应急管理局在地级以上市媒体发布应急管理新闻或提醒信息多少条",
    "专项整治三年行动以来全市罚款多少",
    "海珠区安责险投保完成了市下达任务的百分之多少",
    "海珠区街道值班值守抽查的应答率是多少",
    "广州市应急指挥中心项目投资多少",
    "2020年广州市委托专业机构检查了多少家粉尘涉爆企业",
    "各区应急部门开展了多少次培训",
])
def test_place_like_words_are_not_organisations(question: str) -> None:
    assert p(question).unknown_org is None


DISTRICT = "汕头市龙湖区民政局"
ONE = [CatalogEntry(DISTRICT, 2021, "003.txt", None)]


@pytest.mark.parametrize("question, unknown", [
    ("中山司法局2021年年初预算", "中山司法局"),  # a department no report has, after a word no place suffix ends
    ("司法局2021年年初预算是多少", "司法局"),
    ("2021年区财政局预算执行率", "区财政局"),
    ("汕头市民政局2021年预算执行率", "汕头市民政局"),  # the city bureau, not the district one ("市民" is no word here)
    ("澄海民政局2021年预算执行率", "澄海民政局"),  # another district's bureau
    ("汕头民政局2021年预算执行率", "汕头民政局"),
])
def test_departments_named_without_a_known_region_are_unknown(question: str, unknown: str) -> None:
    q = p(question, ONE)
    assert (q.unknown_org, q.orgs) == (unknown, [])


@pytest.mark.parametrize("question", ["民政局2021年预算执行率", "区民政局2021年预算执行率", "龙湖民政局2021年预算执行率"])
def test_a_department_of_the_one_catalog_organisation_resolves(question: str) -> None:
    q = p(question, ONE)
    assert (q.orgs, q.unknown_org) == ([DISTRICT], None)


@pytest.mark.parametrize("question, metric, hint, unit_word", [
    ("龙湖区民政局2021年基本支出较上年增长了多少", "基本支出", None, None),  # an amount, a % or points
    ("龙湖区民政局2021年项目支出同比变化多少", "项目支出", None, None),
    ("龙湖区社会组织年检率同比下降了几个百分点", "社会组织年检率", "points", "个百分点"),
    ("2021年65岁及以上老年人健康管理率较上年下降了几个百分点", "65岁及以上老年人健康管理率", "points", "个百分点"),
    ("农业总产值增长了百分之多少", "农业总产值", "percent", None),
])
def test_change_questions_ask_for_a_reported_change(question: str, metric: str, hint: str | None,
                                                    unit_word: str | None) -> None:
    q = p(question, ONE)
    assert (q.metric_text, q.unit_hint, q.unit_word, q.asks_change, q.qtype) == (metric, hint, unit_word, True, "lookup")
    assert q.asks_number
    assert not p("海珠区应急管理局2022年收入预算比年初预算调增了多少").asks_change  # a difference of two figures
    assert not p("2022年海珠区预算执行率是多少").asks_change


@pytest.mark.parametrize("question, hint, unit_word", [
    ("教育信息化建设项目全年执行了多少钱", "money", "钱"), ("2021年新建高标准农田多少亩", "area", "亩"),
    ("强制免疫多少万头", "count", "万头"), ("婚姻登记多少对", "count", "对"), ("农村公路养护多少公里", "other", "公里"),
])
def test_unit_words_give_the_kind_of_figure(question: str, hint: str, unit_word: str) -> None:
    q = p(question)
    assert (q.unit_hint, q.unit_word) == (hint, unit_word)
    assert unit_word not in q.metric_text


def test_questions_for_words_go_to_the_text_route() -> None:
    for question in ["南海区农村生活污水治理专项资金绩效评价由哪家机构实施", "清城区群众文化体育活动经费项目的实施单位是哪些",
                     "食品安全抽检监测专项经费存在哪些问题"]:
        assert p(question).qtype == "text", question
    assert p("东莞农村公路养护里程目标").qtype == "lookup"


def test_which_year_compares_every_year_of_the_organisation() -> None:
    catalog = [CatalogEntry("中山市司法局", 2021, "a.txt", None), CatalogEntry("中山市司法局", 2022, "b.txt", None)]
    q = parse("中山市司法局预算执行率哪年更高", catalog, LEX)
    assert (q.qtype, q.pairs, q.metric_text) == ("comparison", [("中山市司法局", 2021), ("中山市司法局", 2022)],
                                                 "预算执行率")
    q = parse("中山市司法局2022年预算执行率比2021年提高了多少", catalog, LEX)
    assert (q.op, q.parts) == ("diff_years", ["预算执行率"])  # not "预算执行率" minus "提"


def test_a_region_shared_by_two_organisations_is_ambiguous() -> None:
    catalog = [*CATALOG, CatalogEntry("广州市海珠区财政局", 2022, "002.txt", None)]
    q = p("2022年海珠区预算执行率是多少", catalog)
    assert sorted(q.ambiguous_orgs) == sorted([HAIZHU, "广州市海珠区财政局"])
    q = p("2022年海珠区财政局预算执行率是多少", catalog)
    assert q.orgs == ["广州市海珠区财政局"] and not q.ambiguous_orgs and q.unknown_org is None


@pytest.mark.parametrize("text, years", [
    ("2022年海珠区", [2022]), ("2022年度海珠区", [2022]), ("二〇二二年海珠区", [2022]), ("22年海珠区", [2022]),
    ("2020年和2022年", [2020, 2022]), ("本年支出2681万元", []), ("三年行动", []), ("海珠区2022预算执行率", [2022]),
    ("2022年65岁及以上老年人", [2022]), ("2022年1.5万人", [2022]),
])
def test_years(text: str, years: list[int]) -> None:
    assert [y for y, *_ in years_in(text)] == years


@pytest.mark.parametrize("question, metric, qtype, hint", [
    ("2022年海珠区预算执行率是多少", "预算执行率", "lookup", "percent"),
    ("海珠区应急管理局2022年的预算执行率？", "预算执行率", "lookup", "percent"),
    ("2022年海珠区应急管理局年初预算是多少？", "年初预算", "lookup", "money"),
    ("海珠区应急管理局2022年项目支出多少万元", "项目支出", "lookup", "money"),
    ("2022年海珠区应急管理局部门整体支出绩效自评得分是多少", "部门整体支出绩效自评得分", "lookup", "score"),
    ("2022年海珠区全区安全生产行政处罚多少宗", "全区安全生产行政处罚", "lookup", "count"),
    ("海珠区危险化学品经营许可审批时限缩短到几个工作日", "危险化学品经营许可审批时限缩短到", "lookup", "duration"),
    ("海珠区安责险投保完成了市下达任务的百分之多少", "安责险投保完成了市下达任务", "lookup", "percent"),
    ("“执法综合业务费”项目全年预算数是多少", "执法综合业务费项目全年预算数", "lookup", "money"),
    ("海珠区应急管理局2022年自评等级是什么", "自评等级", "text", None),
    ("2020年广州森林火灾应急处置实战演习在哪里举办", "森林火灾应急处置实战演习在举办", "text", None),
])
def test_metric_type_and_unit_hint(question: str, metric: str, qtype: str, hint: str | None) -> None:
    q = p(question)
    assert (q.metric_text, q.qtype, q.unit_hint) == (metric, qtype, hint)


def test_unit_word_and_target() -> None:
    q = p("2022年海珠区组织指导了多少场应急演练")
    assert q.unit_word == "场" and not q.wants_target
    q = p("2020年广州市安全事故处理完成率的目标值是多少")
    assert q.wants_target and q.metric_text == "安全事故处理完成率"
    q = p("深圳市福田区民政局培训人次预期实现值")
    assert q.wants_target and q.qtype == "lookup"
    assert not p("资金拨付及时率年度完成值是多少").wants_target


def test_computed_questions() -> None:
    q = p("2022年海珠区应急管理局项目支出占本年支出的比例是多少")
    assert (q.qtype, q.op, q.parts, q.unit_hint) == ("computed", "ratio", ["项目支出", "本年支出"], "percent")
    q = p("海珠区应急管理局2022年收入预算比年初预算调增了多少")
    assert (q.op, q.parts, q.sign, q.unit_hint) == ("diff", ["收入预算", "年初预算"], 1, "money")
    q = p("2022年海珠区应急管理局基本支出和项目支出合计多少")
    assert (q.op, q.parts) == ("sum", ["基本支出", "项目支出"])
    q = p("2022年海珠区应急管理局本年支出比年初预算少多少")
    assert q.op == "diff" and q.sign == -1


def test_comparison_and_list_questions() -> None:
    q = p("2020年广州市应急管理局和2022年海珠区应急管理局，谁的预算执行率更高")
    assert (q.qtype, q.metric_text, q.compare) == ("comparison", "预算执行率", "higher")
    assert q.pairs == [(CITY, 2020), (HAIZHU, 2022)]
    assert p("海珠区和广州市应急管理局的预算执行率谁低").compare == "lower"
    q = p("2022年海珠区应急管理局执行率低于95%的项目有哪些")
    assert q.qtype == "list" and q.threshold == ("<", Decimal(95), "%")
    assert p("广州市应急管理局2020年哪些指标未达到目标值").threshold == ("missed", Decimal(0), "")


def test_followups_are_rewritten_against_the_previous_question() -> None:
    prev = p("2022年海珠区预算执行率是多少")
    assert rewrite_followup("那2021年呢？", prev) == "2021年海珠区预算执行率是多少"
    assert rewrite_followup("它的年初预算呢？", prev, CATALOG, LEX) == "2022年海珠区年初预算是多少"
    assert rewrite_followup("广州市应急管理局呢", prev, CATALOG, LEX) == "2022年广州市应急管理局预算执行率是多少"
    assert rewrite_followup("2022年海珠区本年支出是多少", prev) == "2022年海珠区本年支出是多少"


def test_user_alias_file_is_merged(tmp_path: Path) -> None:
    extra = tmp_path / "aliases.toml"
    extra.write_text('[orgs]\n"区应急局" = ["广州市海珠区应急管理局"]\n', encoding="utf-8")
    q = parse("区应急局2022年预算执行率", CATALOG, load_lexicon(extra))
    assert q.orgs == [HAIZHU]
    bad = tmp_path / "bad.toml"
    bad.write_text("[orgs\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not valid TOML"):
        load_lexicon(bad)
    with pytest.raises(BadInput, match="does not exist"):
        load_lexicon(tmp_path / "missing.toml")
