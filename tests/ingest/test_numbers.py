"""Numbers with units: finding, parsing, normalising and comparing them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.numbers import (
    Quantity,
    cn_to_decimal,
    decimals_of,
    find_quantities,
    format_value,
    from_value,
    parse_quantity,
    round_to,
    same_quantity,
)


def pq(text: str) -> Quantity:
    q = parse_quantity(text)
    assert q is not None, text
    return q


def one(text: str) -> tuple[str, str, str, str, str, str]:
    q = parse_quantity(text)
    assert q is not None, text
    return format(q.value, "f"), q.unit, format(q.base_value, "f"), q.base_unit, q.kind, q.qualifier


@pytest.mark.parametrize("text, expected", [
    ("98.15%", ("98.15", "%", "98.15", "%", "percent", "")),
    ("98.10%", ("98.10", "%", "98.10", "%", "percent", "")),
    ("2,626.63万元", ("2626.63", "万元", "26266300", "元", "money", "")),
    ("0.26亿元", ("0.26", "亿元", "26000000", "元", "money", "")),
    ("12,345.60元", ("12345.60", "元", "12345.60", "元", "money", "")),
    ("3千元", ("3", "千元", "3000", "元", "money", "")),
    ("百分之九十八点一五", ("98.15", "%", "98.15", "%", "percent", "")),
    ("一千二百零三点二万元", ("1203.2", "万元", "12032000", "元", "money", "")),
    ("三万元", ("3", "万元", "30000", "元", "money", "")),
    ("十二万三千元", ("123000", "元", "123000", "元", "money", "")),
    ("-3.5%", ("-3.5", "%", "-3.5", "%", "percent", "")),
    ("下降3.5个百分点", ("-3.5", "个百分点", "-3.5", "百分点", "points", "")),
    ("提高2个百分点", ("2", "个百分点", "2", "百分点", "points", "")),
    ("43.7 万 家次", ("43.7", "万家次", "437000", "家次", "count", "")),
    ("3.87亿人次", ("3.87", "亿人次", "387000000", "人次", "count", "")),
    ("近1.5亿元", ("1.5", "亿元", "150000000", "元", "money", "近")),
    ("不少于60条", ("60", "条", "60", "条", "count", "不少于")),
    ("25万余人", ("25", "万人", "250000", "人", "count", "余")),
    ("活动覆盖面人数达25万余人", ("25", "万人", "250000", "人", "count", "余")),
    ("200多人", ("200", "人", "200", "人", "count", "多")),
    ("逾10000人次", ("10000", "人次", "10000", "人次", "count", "逾")),
    ("24小时以内", ("24", "小时", "24", "小时", "duration", "以内")),
    ("1 个工作日", ("1", "个工作日", "1", "个工作日", "duration", "")),
    ("96分", ("96", "分", "96", "分", "score", "")),
    ("7000平方米", ("7000", "平方米", "7000", "平方米", "area", "")),
    ("两支", ("2", "支", "2", "支", "count", "")),
    ("１２３４５家", ("12345", "家", "12345", "家", "count", "")),
    ("９８．１５％", ("98.15", "%", "98.15", "%", "percent", "")),
    ("34名", ("34", "名", "34", "人", "count", "")),
    ("≥95%", ("95", "%", "95", "%", "percent", "≥")),
    ("653宗次", ("653", "宗次", "653", "宗次", "count", "")),
    ("182场次", ("182", "场次", "182", "场次", "count", "")),
    ("31 场/次", ("31", "场/次", "31", "场次", "count", "")),
    ("补助标准200元/人", ("200", "元/人", "200", "元/人", "other", "")),
    ("5万元/年", ("5", "万元/年", "50000", "元/年", "other", "")),
    ("1.2万余元", ("1.2", "万元", "12000", "元", "money", "余")),
])
def test_parse_quantity(text: str, expected: tuple[str, ...]) -> None:
    assert one(text) == expected


@pytest.mark.parametrize("text", [
    "2020年12月31日", "2020-2023年", "2020- 2023年", "第3季度", "第一次", "1.负责应急管理工作", "（2）", "〔2022〕12号",
    "穗应急〔2022〕12号", "电话020-83212345", "13800138000", "9月11日起", "7月底", "二〇二二年", "十分重视",
    "百日攻坚", "千方百计", "统一个", "进一步", "一起", "800M集群", "三年行动", "2022年度", "09:30",
])
def test_not_quantities(text: str) -> None:
    assert [q for q in find_quantities(text) if q.unit] == []


def test_list_marker_before_year_is_not_a_decimal() -> None:
    qs = find_quantities("5.2020年危险化学品业务培训内容：共13个科目")
    assert [(str(q.value), q.unit) for q in qs] == [("13", "个")]


def test_year_never_answers_a_count() -> None:
    qs = find_quantities("2022年部门年初预算为2626.63万元，2020年开展了13门课程")
    assert [q.text for q in qs] == ["2626.63万元", "13门"]


def test_spans_index_the_input() -> None:
    text = "预算执行率为98.15%，较上年下降3.5个百分点，投资近1.5亿元以上"
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text
        assert q.outer_start <= q.start and q.end <= q.outer_end
    q = find_quantities(text)[1]
    assert text[q.outer_start:q.outer_end] == "下降3.5个百分点"
    assert q.direction == "down"


def test_debris_is_flagged_not_read_as_one_number() -> None:
    qs = find_quantities("排查隐患 22.2 万 170 项，督导问题19596次")
    assert [q.note for q in qs] == ["debris", "debris", ""]
    assert parse_quantity("22.2万170项") is None  # no answer rather than a wrong one
    assert all(q.base_value != Decimal(222170) for q in qs)


@pytest.mark.parametrize("text", ["执行率98. 15%", "支出2 626.63万元", "共 12 345人"])
def test_numbers_broken_by_ocr_spaces_are_debris(text: str) -> None:
    assert {q.note for q in find_quantities(text)} == {"debris"}
    assert parse_quantity(text) is None


def test_ranges_are_marked() -> None:
    qs = find_quantities("补助10-20万元")
    assert [q.note for q in qs] == ["range", "range"]


def test_thousands_separators_ascii_and_full_width() -> None:
    assert [q.text for q in find_quantities("支出1,234,567.89元")] == ["1,234,567.89元"]
    # full-width commas between groups of three digits are separators (IME input, OCR of PDF tables)
    assert [(q.text, q.value) for q in find_quantities("58，972人")] == [("58，972人", Decimal("58972"))]
    assert [q.value for q in find_quantities("年初预算为2，846.50万元，调整后预算为3，512.38万元")] == [
        Decimal("2846.50"), Decimal("3512.38")]
    # anything else is a clause comma: "3，4项", "12，34人", "1,2，345元"
    assert [q.value for q in find_quantities("3，4项")] == [Decimal(3), Decimal(4)]
    assert [q.value for q in find_quantities("分别为12，34人")] == [Decimal(12), Decimal(34)]


def test_a_rate_per_population_is_not_two_amounts() -> None:
    assert {q.note for q in find_quantities("甲乙类传染病发病率168.5/10万")} == {"ratio"}
    assert parse_quantity("≤200/10万") is None
    assert [q.unit for q in find_quantities("补助200元/人")] == ["元/人"]


def test_word_collisions_are_not_units() -> None:
    assert [q.unit for q in find_quantities("关注用户分别为245448人，分别同比增长")] == ["人"]
    assert [q.unit for q in find_quantities("10·22疫情期间")] == ["", ""]
    assert [q.unit for q in find_quantities("共3处理完毕")] == [""]


@pytest.mark.parametrize("cn, value", [
    ("一", "1"), ("十", "10"), ("十二", "12"), ("二十", "20"), ("一百零五", "105"), ("两千", "2000"),
    ("一万二千三百四十五", "12345"), ("三亿五千万", "350000000"), ("二〇二二", "2022"), ("九十八点一五", "98.15"),
])
def test_chinese_numerals(cn: str, value: str) -> None:
    assert cn_to_decimal(cn) == Decimal(value)


def test_same_quantity_compares_in_base_units() -> None:
    assert same_quantity(pq("26266300元"), pq("2626.63万元"))
    assert same_quantity(pq("43.7万家次"), from_value(437000, "家次"))
    assert same_quantity(pq("3.87亿人次"), from_value(387000000, "人次"))
    assert same_quantity(pq("近1.5亿元"), from_value(150000000, "元"))
    assert same_quantity(pq("219.00万元"), from_value(219.0, "万元"))


def test_same_quantity_respects_stated_decimals() -> None:
    gold = pq("98.1%")
    assert not same_quantity(pq("98.15%"), gold)
    assert same_quantity(pq("98.14%"), gold)
    assert same_quantity(pq("20.3815%"), pq("20.38%"))
    assert not same_quantity(pq("98.2%"), pq("98.15%"))
    assert same_quantity(pq("98.2%"), pq("98.15%"), decimals=1)


def test_same_quantity_never_mixes_kinds() -> None:
    assert not same_quantity(pq("3.5%"), pq("3.5个百分点"))
    assert not same_quantity(pq("10个"), pq("10次"))
    assert not same_quantity(pq("96分"), pq("96%"))
    assert parse_quantity("2022年") is None or not same_quantity(pq("2022年"), pq("2022个"))


def test_direction_only_matters_when_both_state_it() -> None:
    down = pq("下降3.5%")
    assert down.value == Decimal("-3.5")
    assert same_quantity(pq("3.5%"), down)
    assert same_quantity(pq("-3.5%"), down)
    assert not same_quantity(pq("增长3.5%"), down)


@pytest.mark.parametrize("x, d", [
    ("98.10%", 2), ("98.1%", 1), ("96分", 0), (98.15, 2), (219.0, 0), (437000, 0), (Decimal("2626.630"), 3),
    ("百分之九十八点一五", 2),
])
def test_decimals_of(x: object, d: int) -> None:
    assert decimals_of(x) == d  # type: ignore[arg-type]


def test_format_and_round() -> None:
    assert format_value(Decimal("2626.63"), "万元") == "2626.63万元"
    assert format_value(Decimal("1E+4"), "元") == "10000元"
    assert round_to(Decimal("20.385"), 2) == Decimal("20.39")


def test_from_value_handles_gold_units() -> None:
    q = from_value(2626.63, "万元")
    assert (q.base_value, q.base_unit, q.kind) == (Decimal("26266300"), "元", "money")
    assert from_value(1, "个工作日").kind == "duration"
    assert from_value(3, "艘").kind == "count"
    odd = from_value(5, "元/人")
    assert (odd.base_unit, odd.kind) == ("元/人", "other")


def test_whole_sentence_in_order() -> None:
    text = "本年支出2681.33万元，其中基本支出2134.84万元，项目支出546.49万元。预算执行率为98.15%。"
    assert [q.text for q in find_quantities(text)] == ["2681.33万元", "2134.84万元", "546.49万元", "98.15%"]


def test_livestock_and_pairs_are_counted() -> None:
    assert [(q.value, q.unit, q.kind) for q in find_quantities("强制免疫28.6万头（羽）")] == [
        (Decimal("28.6"), "万头", "count")]
    assert [q.unit for q in find_quantities("全年办理婚姻登记4,126对。")] == ["对"]
    assert [q.unit for q in find_quantities("共3对夫妻")] == [""]  # "对" before a word is a preposition


def test_ascii_comma_is_a_separator_only_between_digit_groups() -> None:
    # gd_yuexiu_2020_js.txt: "1,581,803万元(含上年结转资金8,727万元)" vs the clause comma of "增长1.3%,完成…"
    assert [q.value for q in find_quantities("全年一般公共预算总收入1,581,803万元(含上年结转资金8,727万元)")] == [
        Decimal(1581803), Decimal(8727)]
    assert [q.value for q in find_quantities("增长1.3%,完成年度收入计划585,000万元的100.2%")] == [
        Decimal("1.3"), Decimal(585000), Decimal("100.2")]
    assert [q.value for q in find_quantities("支出1234,567万元")] == [Decimal(1234), Decimal(567)]  # 4 digits before
    assert [q.value for q in find_quantities("共12,3456人")] == [Decimal(12), Decimal(3456)]  # 4 digits after


def test_traditional_units_and_change_words() -> None:
    # ah_hefei_szdw_2023_sgjf.txt, js_sucheng_2022_yszx_trad.txt
    qs = find_quantities("支出預算為6.35萬元,較上年增加0.61萬元,增長10.63%,收入40.5億元,團組0個")
    assert [(q.value, q.unit, q.base_unit, q.direction) for q in qs] == [
        (Decimal("6.35"), "万元", "元", ""), (Decimal("0.61"), "万元", "元", "up"), (Decimal("10.63"), "%", "%", "up"),
        (Decimal("40.5"), "亿元", "元", ""), (Decimal(0), "个", "个", "")]
    assert qs[0].text == "6.35萬元"  # the text as written; the unit read from the simplified view


@pytest.mark.parametrize("text, value, unit, base", [
    ("道路总长度为4335.943m,均为规划支路", "4335.943", "m", "米"),  # hi_haikou_gxq_2022_xmzp.txt
    ("总建筑面积为68540.39㎡;", "68540.39", "㎡", "平方米"),  # hi_qiongzhong_wlcf_2025_xmzp.txt
    ("占地面积约为4978.48m2; ", "4978.48", "m2", "平方米"),
    ("干管管长1100m、Ф110PVC分干管", "1100", "m", "米"),  # hi_xiuying_swj_2022_xjzj_zp.txt
    ("洪水標準為10年一遇,", "10", "年一遇", "年一遇"),  # gd_suixi_swj_2022_xmzp.txt
    ("建筑物級(jí)別5級(jí),", "5", "级", "级"),
])
def test_lengths_areas_and_standards(text: str, value: str, unit: str, base: str) -> None:
    q = [q for q in find_quantities(text) if q.unit][0]
    assert (q.value, q.unit, q.base_unit) == (Decimal(value), unit, base)


def test_latin_and_grade_units_are_not_read_inside_words() -> None:
    assert find_quantities("直径5mm") == [] or all(q.unit != "m" for q in find_quantities("直径5mm"))
    assert not [q for q in find_quantities("Ф160PVC干管") if q.value == 160]
    assert find_quantities("一级指标、二级指标、三级指标") == []


def test_table_rows_of_numbers_are_not_ocr_debris() -> None:
    # sh_putuo_tyzx_2022_xmzp.txt "…10 10 100 98.62", sd_licheng_whg_2019_xmzp.txt "45万45万12.5 12.5", "10 100% 10"
    assert [(q.value, q.note) for q in find_quantities(">=90% 100% 10 10 100 98.62")][2:] == [
        (Decimal(10), ""), (Decimal(10), ""), (Decimal(100), ""), (Decimal("98.62"), "")]
    assert [(q.text, q.note) for q in find_quantities("匹配程度45万45万12.5 12.5")] == [
        ("45万", ""), ("45万", ""), ("12.5", ""), ("12.5", "")]
    assert [q.note for q in find_quantities("年度资金总额45 45 10 100% 10")] == [""] * 5
    assert {q.note for q in find_quantities("共 12 345人")} == {"debris"}  # still one number broken by a space
