"""Tables that published pages flattened, rebuilt into rows and figures: short snippets quoted from the published
reports in tests/data/real/docs (file named above each one), through the real cleaner, chunker and extractor."""

from __future__ import annotations

import time
from decimal import Decimal

from core.records import Document, Figure
from ingest.chunk import split
from ingest.clean import clean
from ingest.figures import extract
from ingest.numbers import find_quantities
from ingest.tables import TableRow, align, column_meaning, parse_rows

# hi_czt_2024_zyjjtz_ys.txt: one cell per line ending in " |"; the total row has empty cells
HAINAN = """2024年中央基建投资预算表(省级部门)
单位:万元
市县/单位名称 |
项目名称 |
金额 |
支出功能分类科目 |
支出经济分类科目 |
合计 |
|
78,400 |
|
|
海南省大数据管理局 |
反走私综合执法站信息化配套项目 |
8000 |
2299999-其他支出 |
50602-资本性支出(基本建设) |
海南省公安厅 |
反走私视频图像前端补点(一期)项目 |
20500 |
2299999-其他支出 |
50404-设备购置 |
"""
# fj_anxi_slj_2022_slzj_ys.txt: the same layout with a 序号 column and a total row of two cells
ANXI = """2022年省级第七批水利专项资金安排表
单位:万元
序号 |
乡镇名称 |
项目名称 |
金额 |
备注 |
1 |
西坪镇 |
尧山村排洪排水工程建设 |
20 |
|
2 |
桃舟乡 |
吾培村前村洋头水圳修复 |
15 |
|
合计 |
100 |
附件2
"""
# ah_jinzhai_cgzx_2023_ztzp.txt: pipe rows ended by runs of empty cells, a header split over lines, a blank 得分
JINZHAI = """预算资金 (万元) |
年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | |||||||
年度资金总额 | 329.77 | 329.77 | 338.31 | 10 | 102.59% | ||||||||
其中:当年财政拨款 | 329.77 | 329.77 | 338.31 | — | 102.59% | — | |||||||
上年结转资金 | — | — | |||||||||||
绩 效 指 标 |
一级指标 | 二级指标 | 三级指标 | 年度 指标值 |
实际 完成值 |
分值 | 得分 | 偏差原因分析及改进措施 | |||||
产出指标 | 数量指标 | 指标1:开展精品示范村建设数量 | ≤4 | 4 | 10 | 10 | |||||||
指标2:建设美丽宜居自然村庄数量 | ≥200 | 202 | 10 | 10 | |||||||||
"""
# sd_licheng_whg_2019_xmzp.txt: a PDF table whose rows are words and numbers separated by spaces
LICHENG = """主管部门(盖章):                                       单位:万元
项目预算
执行情况
(10分)
  年初预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分 得分计算方法
年度资金总额 45 45 10 100% 10 执行率*该指标分值,最高不得超过分值上限。
其中:财政拨款 45 45 - - -
      其他资金     - - -
"""
LICHENG_COST = """三级指标 预期指标值(A) 实际完成指标值(B) 分值 得分 未完成原因 得分计算方法
成本指标 实际成本与工作内容的匹配程度 45万 45万 12.5 12.5
"""
# fj_longyan_mzj_2023_mzzj_ys.txt: a whole table run together on one line; "小计502漳平市" is 50 then 序号 2
LONGYAN = ("附件12023年龙岩市民族发展专项资金分配表单位:万元序号单位项目金额1上杭县龙岩市畲族文化研究会《闽西畲族志》编纂出版"
           "项目10南阳镇双溪村人饮工程二期项目8中都镇古坊村五驳桥段道路拓宽硬化及沟渠建设项目(百香果产业)8小计502漳平市双洋镇"
           "中村村茶山道路硬化项目5漳平市民族与宗教事务局民族团结进步创建项目3小计20合计70附件2专项转移支付绩效目标表\n")
# sh_putuo_tyzx_2022_xmzp.txt: PDF text on one line with the cells out of reading order
PUTUO = ("财政项目支出绩效自评表(2022年度)普陀体育中心与委托运营方结算费用 项目名称 主管部门 上海市普陀区体育局 "
         "年初预算数 全年预算数 全年执行数 分值 执行率 得分 250000.00 250000.00 215,457.6 10 8.62 250000.00 250000.00 "
         "215457.6 — 上年结转资金 0 0 — 其他资金 0 0 — 年度资金总额 项目资金 (元) 上海市普陀区体育 事业管理中心\n")
# zj_wencheng_czj_2024_pjtb.txt: one cell per blank-line paragraph (the lone serial numbers read as page numbers)
WENCHENG = """具体项目情况如下:

序号

单位

项目

评价档次

1

浙江文成经济开发区管理委员会

公权力大数据运行平台建设

良好

2

浙江文成经济开发区管理委员会

浙江文成经济开发区综合配套工程

中(一般)
"""


def doc_of(raw: str, year: int | None = None) -> Document:
    return Document(name="t.txt", text=clean(raw), sha256="0", org="某单位", year=year, report_type="自评表")


def figures_of(raw: str) -> tuple[Document, list[Figure]]:
    doc = doc_of(raw)
    return doc, extract(doc, split(doc))


def one(figs: list[Figure], value: str, unit: str, **extra: str) -> Figure:
    hits = [f for f in figs if f.value == Decimal(value) and f.unit == unit
            and all(f.extra.get(k) == v for k, v in extra.items())]
    assert len(hits) == 1, (value, unit, extra, [(f.metric, f.value, f.unit, f.extra) for f in figs])
    return hits[0]


def number_spans_are_exact(doc: Document, figs: list[Figure]) -> None:
    for f in figs:
        s, e = int(f.extra["num_start"]), int(f.extra["num_end"])
        assert f.start <= s < e <= f.end, f
        q = find_quantities(doc.text[s:e])[0]
        assert abs(q.value) == abs(f.value) and q.start == 0, (doc.text[s:e], f.value)


def rows_of(raw: str, layout: str) -> list[TableRow]:
    return [r for r in parse_rows(clean(raw)) if r.layout == layout]


# --- one cell per line ------------------------------------------------------------------------------------

def test_cell_per_line_rows_are_rebuilt_from_the_header_width() -> None:
    rows = rows_of(HAINAN, "lines")
    assert rows[0].is_header and rows[0].texts == ["市县/单位名称", "项目名称", "金额", "支出功能分类科目", "支出经济分类科目"]
    assert rows[1].texts == ["合计", "", "78,400", "", ""]  # empty cells stay empty, in their columns
    assert rows[2].texts[:3] == ["海南省大数据管理局", "反走私综合执法站信息化配套项目", "8000"]
    assert all(r.table == "2024年中央基建投资预算表(省级部门)" and r.unit == "万元" for r in rows)


def test_cell_per_line_figures_take_row_label_column_and_table_unit() -> None:
    doc, figs = figures_of(HAINAN)
    total = one(figs, "78400", "万元")
    assert total.metric == "合计 金额" and total.extra["column"] == "金额"
    assert total.extra["table"] == "2024年中央基建投资预算表(省级部门)"
    item = one(figs, "20500", "万元")
    assert item.metric == "反走私视频图像前端补点(一期)项目 金额" and item.base_value == Decimal("205000000")
    assert not [f for f in figs if f.value == 0]  # an empty cell is missing, not zero
    assert not [f for f in figs if f.value in (1, 2299999, 50602)]  # "(一期)" and subject codes are no figures
    number_spans_are_exact(doc, figs)


def test_a_short_total_row_puts_its_number_under_the_amount_column() -> None:
    doc, figs = figures_of(ANXI)
    assert one(figs, "100", "万元").metric == "合计 金额"
    assert one(figs, "15", "万元").metric == "吾培村前村洋头水圳修复 金额"
    assert not [f for f in figs if f.value in (1, 2)]  # 序号 are no figures
    number_spans_are_exact(doc, figs)


# --- pipe rows ended by empty cells -----------------------------------------------------------------------

def test_pipe_rows_end_at_runs_of_empty_cells() -> None:
    rows = rows_of(JINZHAI, "pipe")
    header = rows[0]
    assert header.is_header and header.texts[0] == "预算资金(万元)" and header.unit == "万元"
    total = rows[1]
    assert total.texts == ["年度资金总额", "329.77", "329.77", "338.31", "10", "102.59%"]
    assert total.header == ["预算资金(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率"]
    indicators = [r for r in rows if r.is_header][1]
    assert indicators.texts[4:6] == ["年度指标值", "实际完成值"]  # a header cell split over two lines, rejoined
    merged = rows[-1]  # 一级/二级指标 span rows: the row has only its 三级指标 and its values
    assert merged.header == ["三级指标", "年度指标值", "实际完成值", "分值", "得分"]


def test_pipe_figures_name_the_column_meaning_and_skip_blank_and_dash_cells() -> None:
    doc, figs = figures_of(JINZHAI)
    spent = one(figs, "338.31", "万元", indicator="年度资金总额")
    assert spent.metric == "年度资金总额 全年执行数" and spent.extra["column"] == "预算执行数"
    budget = one(figs, "329.77", "万元", indicator="年度资金总额", header="年初预算数")
    assert budget.extra["column"] == "年初预算" and budget.kind == "budget"
    assert one(figs, "102.59", "%", indicator="年度资金总额").extra["column"] == "预算执行率"
    assert not [f for f in figs if f.extra.get("indicator") == "年度资金总额" and f.extra["column"] == "得分"]
    assert one(figs, "338.31", "万元", indicator="当年财政拨款").metric == "当年财政拨款 全年执行数"  # "其中:" dropped
    target = one(figs, "200", "", column="年度指标值")
    assert (target.metric, target.kind, target.qualifier) == ("建设美丽宜居自然村庄数量", "target", "≥")
    actual = one(figs, "202", "", column="实际完成值")
    assert (actual.metric, actual.kind) == ("建设美丽宜居自然村庄数量", "actual")
    assert one(figs, "4", "", column="年度指标值").metric == "开展精品示范村建设数量"  # "指标1:" dropped
    number_spans_are_exact(doc, figs)


def test_a_form_without_header_names_each_number_by_the_cell_before_it() -> None:
    # fj_anxi_slj_2022_slzj_ys.txt, 附件2
    raw = ("2022年省级第七批水利专项资金绩效目标表\n项目名称 |\n省级第七批水利专项资金 |\n主管部门(单位)名称 |\n安溪县水利局 |\n"
           "|||||||||\n资金情况(万元) |\n资金总额 |\n100 |\n其中:财政拨款 |\n100 |\n其他资金 |\n|||||||\n")
    doc, figs = figures_of(raw)
    total = one(figs, "100", "万元", header="资金总额")
    assert total.metric == "资金情况 资金总额" and total.kind == "budget"
    assert one(figs, "100", "万元", header="其中:财政拨款").metric == "资金情况 财政拨款"
    number_spans_are_exact(doc, figs)


# --- one cell per paragraph -------------------------------------------------------------------------------

def test_cell_per_paragraph_rows() -> None:
    rows = rows_of(WENCHENG, "paragraphs")
    assert rows[0].is_header and rows[0].texts == ["序号", "单位", "项目", "评价档次"]
    assert [r.texts for r in rows[1:]] == [["浙江文成经济开发区管理委员会", "公权力大数据运行平台建设", "良好"],
                                           ["浙江文成经济开发区管理委员会", "浙江文成经济开发区综合配套工程", "中(一般)"]]
    assert rows[1].header == ["单位", "项目", "评价档次"]  # the serials are gone, and so is their column


# --- space-separated rows and run-ons ---------------------------------------------------------------------

def test_space_separated_rows_line_up_with_the_header_run() -> None:
    rows = rows_of(LICHENG, "spaced")
    assert rows[0].texts == ["年度资金总额", "45", "45", "10", "100%", "10"]
    assert rows[0].header == ["项目", "年初预算数", "全年执行数", "分值", "执行率", "得分"] and rows[0].aligned
    assert rows[0].unit == "万元"
    assert rows[1].texts == ["其中:财政拨款", "45", "45", "-", "-", "-"]  # a dash is an empty cell
    assert len(rows) == 2  # "其他资金 - - -" states no number
    short = rows_of(LICHENG_COST.replace("45万 45万 12.5", "12.5"), "spaced")[0]
    assert short.header == ["项目", "分值", "得分"]  # a short row lost its first cells: it lines up at the right


def test_space_separated_figures() -> None:
    doc, figs = figures_of(LICHENG)
    assert one(figs, "45", "万元", indicator="年度资金总额", column="年初预算").kind == "budget"
    assert one(figs, "45", "万元", indicator="年度资金总额", column="预算执行数").metric == "年度资金总额 全年执行数"
    assert one(figs, "100", "%").extra["column"] == "预算执行率"
    assert one(figs, "10", "分", column="得分").metric == "年度资金总额 得分"
    assert len([f for f in figs if f.extra.get("indicator") == "财政拨款"]) == 2  # the dashes are missing values
    doc, figs = figures_of(LICHENG_COST)
    cost = one(figs, "45", "万元", column="实际完成值")  # "45万" in a cost row: 45万元
    assert cost.metric == "实际成本与工作内容的匹配程度" and cost.base_value == Decimal("450000")  # 二级指标 prefix gone
    assert one(figs, "45", "万元", column="年度指标值").kind == "target"
    number_spans_are_exact(doc, figs)


def test_run_on_table_with_serials_and_a_glued_subtotal() -> None:
    doc, figs = figures_of(LONGYAN)
    rows = [r for r in parse_rows(doc.text) if r.layout == "spaced"]
    assert rows[0].table == "2023年龙岩市民族发展专项资金分配表" and rows[0].unit == "万元"
    sub = [f for f in figs if f.extra.get("indicator") == "小计"]
    assert [(f.value, f.unit) for f in sub] == [(Decimal(50), "万元"), (Decimal(20), "万元")]
    assert one(figs, "10", "万元").metric == "上杭县龙岩市畲族文化研究会《闽西畲族志》编纂出版项目 金额"
    assert one(figs, "70", "万元").metric == "合计 金额"
    assert not [f for f in figs if f.value in (1, 2, 502) or f.unit == "期"]  # serials, the glued 502, "二期项目"
    number_spans_are_exact(doc, figs)


def test_run_on_cells_out_of_order_are_placed_by_what_they_can_hold() -> None:
    doc, figs = figures_of(PUTUO)
    spent = [f for f in figs if f.value == Decimal("215457.6")]  # "215,457.6" in the first row, "215457.6" in the next
    assert [(f.unit, f.extra["column"], f.extra["aligned"]) for f in spent] == [("元", "预算执行数", "guess")] * 2
    assert spent[0].extra["table"] == "财政项目支出绩效自评表(2022年度)"
    assert one(figs, "8.62", "分").extra["column"] == "得分"  # not 执行率: a rate column takes only a percentage
    assert len([f for f in figs if f.value == Decimal("250000.00")]) == 4
    assert one(figs, "0", "元", indicator="上年结转资金", column="年初预算").unit == "元"
    number_spans_are_exact(doc, figs)


def test_column_meanings_and_alignment() -> None:
    assert [column_meaning(h) for h in ["年初预算数(A)", "调整后预算数", "全年预算数", "全年执行数(B)", "执行率(B/A)",
                                        "权重", "分值", "得分", "年度指标值", "预期指标值(A)", "实际完成指标值(B)",
                                        "实际完成值", "金额"]] == [
        "年初预算", "调整后预算数", "调整后预算数", "预算执行数", "预算执行率", "权重/分值", "权重/分值", "得分",
        "年度指标值", "年度指标值", "实际完成值", "实际完成值", ""]
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert align(header, ["质量指标", "指标1:验收通过率", "≥95%", "100%", "5", "5"]) == [
        "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]


# --- prose of the mirrors -----------------------------------------------------------------------------------

def test_traditional_characters_read_as_simplified() -> None:
    # ah_hefei_szdw_2023_sgjf.txt
    doc, figs = figures_of("2023年度一般公共預算及政府性基金財政撥款“三公”經費支出預算為6.35萬元,支出決算為6.35萬元,"
                           "完成預算的100%;較上年增加0.61萬元,增長10.63%。")
    budget, spent = [f for f in figs if f.value == Decimal("6.35")]
    assert budget.kind == "budget" and budget.metric.endswith("经费支出预算") and spent.metric == "支出决算"
    change = one(figs, "0.61", "万元")
    assert change.kind == "change" and change.metric == "较上年"
    assert one(figs, "10.63", "%").kind == "change"
    number_spans_are_exact(doc, figs)


def test_a_label_before_a_bracket_holding_a_clause_comma() -> None:
    # js_sucheng_2022_yszx_trad.txt
    doc, figs = figures_of("全區一般公共預算收入(含轄區內列統收入,下同)40.5億元,同口徑增長11.9%,稅收占比94%。")
    assert one(figs, "40.5", "亿元").metric == "全区一般公共预算收入"


def test_bare_numbers_after_a_unit_in_brackets() -> None:
    # hi_swt_2020_msgw_pj.txt and fj_xiuyu_slj_2025_slzj_ys.txt
    doc, figs = figures_of("项目类型经常性项目()一次性项目()计划投资额(万元)515实际到位资金(万元)515实际使用情况(万元)5")
    assert [(f.metric, f.value, f.unit) for f in figs][-2:] == [("实际到位资金", 515, "万元"), ("实际使用情况", 5, "万元")]
    doc, figs = figures_of("资金情况(万元)资金总额35其中:财政拨款35其他资金0总体目标开展2个防洪水利设施水毁修复,")
    assert [(f.value, f.unit) for f in figs] == [(35, "万元"), (35, "万元"), (0, "万元"), (2, "个")]


def test_lengths_areas_and_engineering_standards() -> None:
    doc, figs = figures_of("道路总长度为4335.943m,均为规划支路。总建筑面积为68540.39㎡;配套Ф160PVC干管管长1100m。"
                           "建成主要建筑物級(jí)別5級(jí),次要建筑物級(jí)別5級(jí)。工程設(shè)計(jì)洪水標(biāo)準(zhǔn)為10年一遇。")
    assert one(figs, "4335.943", "m").base_unit == "米"
    assert one(figs, "68540.39", "㎡").base_unit == "平方米"
    assert one(figs, "1100", "m").metric == "配套Ф160PVC干管管长"
    assert one(figs, "10", "年一遇").metric == "工程设计洪水标准"
    assert len([f for f in figs if f.unit == "级"]) == 2
    assert not [f for f in figs if f.value == 160]


def test_one_long_sentence_with_many_numbers_takes_linear_time() -> None:
    def timed(n: int) -> float:
        raw = "各项支出" + "、".join(f"项目{i}支出{i}.5万元" for i in range(n)) + "。\n"
        doc = doc_of(raw)
        t = time.perf_counter()
        figs = extract(doc, split(doc))
        assert len(figs) == n
        return time.perf_counter() - t

    small, big = timed(500), timed(4000)
    assert big < 15 and big < small * 8 * 3, (small, big)  # 8x the numbers (16000 in one sentence): far from 64x
