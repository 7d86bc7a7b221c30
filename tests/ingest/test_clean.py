"""Cleaning real report layouts: PDF tab tables, markdown reports, page debris; always idempotent."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from ingest.clean import clean, remove_cjk_spaces
from ingest.tables import parse_rows
from tests.conftest import SAMPLES

SAMPLE_TEXTS = {p.name: p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
TABLE = SAMPLE_TEXTS["000_817fa173afb523db.txt"]
REPORT = SAMPLE_TEXTS["001_097af92d10472f3b.txt"]

# rows cut from sample 000: a cell continued after a page break, and a page whose header repeats and whose
# first row continues the long cells that span the rows above
PAGE_BREAK_CELL = (
    "\t部门整体支出 绩效目标\t关键指标\t预期实现值\t年度完成值\n"
    "年度绩效目标\t坚持贯彻落实市委、市政府的部署要求，全力防范化解重大安全风险。\t持续深入排查整治风险隐患"
    "\t深化危险化学品动态监管平台的运用，持续开展各项安全生产专项整治。"
    "\t自启动专项整治三年全市行动以来，全市共成立检查组 13003 个，督导检查 15686 次，行政处罚\n"
    "\n"
    "\t\t\t\t31321次，罚款10147.59万元，责令停业整顿790家。\n"
    "\t\t严防严守季节性安全风险关口\t盯紧各大活动日、节假日关口。\t领导参加值守15次，做好风险管控。\n"
)
HEADER = "年度主要支出计划 (对应任务、政策)\t任务(政策)的绩效 目标\t任务(政策)关键性 指标\t预期实现值\t年度完成值\n"
REPEATED_HEADER = (
    HEADER
    + "2020年,是应急管理 部门全面深化改革 年。三是推进应急管理 改革,加快两项重\t服务服从广州实现 老城市新活力,继续深化“放"
    "\t在广州电视台开展应急安全宣传\t不少于60条\t近 540条。\n"
    "\t\t培训工作完成情况\t按照工作计划,完成所 有培训工作\t2020年计划开展9次培训,已完成9次培训。\n"
    "\n"
    + HEADER
    + "点项目建设。四是完善安委会双主任制。\t管服”改革。四是加强安全生产考核问责。\t安全生产基础培训\t进行专项培训\t开展了安全生产基础培训1次。\n"
    "\t\t培训质量\t制定合理的课程安排\t主要培训及内容如下：7.重点企业应急管理专题培训班培训内容：面向企业开展\n"
    "\n"
    + HEADER
    + "\t\t\t\t应急管理业务专题培训; 8. 高空作业人员工伤预防培训班 培训内容: 面向高空作业人员开展培训。\n"
    "\t\t安全生产执法水平\t100%完成\t监督检查各类生产经营单位 43.7 万 家次, 查处隐患 36.15 万项。\n"
)


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def test_cell_continued_after_page_break_is_merged() -> None:
    lines = _lines(clean(PAGE_BREAK_CELL))
    assert len(lines) == 3
    row = lines[1].split("\t")
    assert row[4].endswith("行政处罚31321次，罚款10147.59万元，责令停业整顿790家。")
    assert "13003个" in row[4]
    assert lines[2].startswith("\t\t严防严守季节性安全风险关口\t")
    assert lines[0] == "\t部门整体支出绩效目标\t关键指标\t预期实现值\t年度完成值"


def test_repeated_headers_dropped_and_spanning_cells_continued() -> None:
    lines = _lines(clean(REPEATED_HEADER))
    assert sum(1 for ln in lines if ln.startswith("年度主要支出计划")) == 1
    first = lines[1].split("\t")
    assert first[0].endswith("加快两项重点项目建设。四是完善安委会双主任制。")
    assert first[1].endswith("继续深化“放管服”改革。四是加强安全生产考核问责。")
    assert first[4] == "近540条。"
    new_row = next(ln for ln in lines if "安全生产基础培训\t" in ln)
    assert new_row.startswith("\t\t安全生产基础培训\t")  # its own row, the spanning cells moved up
    quality = next(ln for ln in lines if "\t培训质量\t" in ln)
    assert quality.endswith("面向企业开展应急管理业务专题培训; 8. 高空作业人员工伤预防培训班培训内容: 面向高空作业人员开展培训。")
    assert "" not in lines  # page-break blank lines inside the table are gone
    rows = parse_rows("\n".join(lines))
    assert rows[0].is_header and all(r.header == rows[0].texts for r in rows)


def test_sample_table_rows_line_up_with_headers() -> None:
    text = clean(TABLE)
    rows = parse_rows(text)
    headers = [r for r in rows if r.is_header]
    assert len(headers) == 2  # one per table: the repeated page headers are gone
    assert "\t\t\t\t" not in text and "<p>" not in text and "</p>" not in text
    row = next(r for r in rows if any(c.text.startswith("安全事故处理完成率") for c in r.cells))
    assert row.column(2) == "任务(政策)关键性指标" and row.texts[2] == "安全事故处理完成率(%)"
    assert row.texts[4].endswith("安全事故处理完成率75%。")
    assert "行政处罚31321次，罚款10147.59万元" in text
    assert "其中：部门年度整体预算完成率：99.23%\n" in text  # trailing empty cells dropped


def test_cjk_spaces_removed_english_spacing_kept() -> None:
    assert remove_cjk_spaces("监督检查各类生产经营单位 43.7 万 家次") == "监督检查各类生产经营单位43.7万家次"
    assert remove_cjk_spaces("2020 年 7 月 1 日") == "2020年7月1日"
    assert remove_cjk_spaces("达到 100% 完成") == "达到100%完成"
    assert clean("建立健全应急物资信息平台 and 调拨制度，in English words 不变。\n") == (
        "建立健全应急物资信息平台 and 调拨制度，in English words 不变。\n")
    assert clean("Python 3 and 800M 集群\n") == "Python 3 and 800M 集群\n"


def test_markup_and_whitespace_normalised() -> None:
    raw = "#### **（四）部门整体绩效管理情况**  \r\n\r\n\r\n\r\n<p>本年支出２６８１．３３万元，执行率９８．１５％。</p>   \r\n"
    assert clean(raw) == "#### （四）部门整体绩效管理情况\n\n本年支出2681.33万元，执行率98.15%。\n"


def test_page_number_lines_dropped() -> None:
    raw = "第一段内容完整。\n\n- 3 -\n\n第 4 页\n\n第5页 共12页\n\n— 6 —\n\n7\n\n第二段内容完整。\n共计 60 余次。\n"
    assert clean(raw) == "第一段内容完整。\n\n第二段内容完整。\n共计60余次。\n"


def test_running_page_headers_dropped_and_sentences_rejoined() -> None:
    head = "某区水务局2022年度部门整体支出绩效自评报告"
    raw = (f"{head}\n\n一、部门基本情况\n本局负责全区水行政工作，下属事业单位1个，全年处理污水4216万吨，运行负荷\n"
           f"\n          - 1 -\n{head}\n率为88.4%，出水水质稳定达标。\n二、存在的问题\n"
           f"排水设施运维资金不足，管网老化问题较多。\n\n          - 2 -\n{head}\n三、改进措施\n")
    want = (f"{head}\n\n一、部门基本情况\n本局负责全区水行政工作，下属事业单位1个，全年处理污水4216万吨，"
            "运行负荷率为88.4%，出水水质稳定达标。\n二、存在的问题\n排水设施运维资金不足，管网老化问题较多。\n\n三、改进措施\n")
    assert clean(raw) == want
    # pdftotext marks page breaks with form feeds and footers like "第 2 页 共 3 页"
    fed = raw.replace("\n          - 1 -\n", "\n第 1 页 共 3 页\f").replace("\n          - 2 -\n", "\f")
    assert clean(fed) == want


def test_repeated_line_away_from_page_breaks_stays() -> None:
    raw = "（一）绩效目标\n全年目标完成。\n\n（一）绩效目标\n下年目标明确。\n"
    assert clean(raw) == raw


def test_sentence_broken_across_paragraphs_is_joined() -> None:
    text = clean(REPORT)
    assert "等级为“优”。从评价情况来看" in text
    assert "协助区委、区政府指定的负责同志" in text
    assert "做好“五进”宣传培训" in text
    assert "\n## 二、综合评价分析\n\n### （一）自评结论综述\n\n部门整体支出绩效自评结果为96分" in text
    assert text.startswith("# 2022年度广州市海珠区应急管理局部门整体支出绩效自评报告\n\n## 一、基本情况\n")


@pytest.mark.parametrize("raw", [
    "2021年度广州市天河区财政局部门整体支出绩效自评报告\n\n广州市天河区财政局是区政府工作部门，主管全区财政收支。\n",
    "单位名称：广州市天河区财政局\n年度：2021\n",
    "一、部门整体支出绩效目标完成情况分析\n\n部门年初预算为100万元。\n",
    "主要成效\n\n全年完成培训工作，参训人员共计200人次。\n",
    "主要职责是：\n\n1.负责财政收支。\n",
])
def test_not_joined(raw: str) -> None:
    assert clean(raw) == raw


def test_lines_wrapped_mid_sentence_are_joined() -> None:
    raw = ("全年预算执行情况良好，基本实现了年初设定的绩效目标，因项目支出执行率仍有优\n化空间，酌情扣减自评分值。\n"
           "组织开展危化品安全风险专项联合检查，累计检查企业共\n552家次。\n")
    assert clean(raw) == ("全年预算执行情况良好，基本实现了年初设定的绩效目标，因项目支出执行率仍有优化空间，酌情扣减自评分值。\n"
                          "组织开展危化品安全风险专项联合检查，累计检查企业共552家次。\n")


def test_markdown_pipe_table_becomes_tab_rows() -> None:
    raw = ("### 绩效指标完成情况\n\n"
           "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 得分 |\n"
           "|:---|---|---|---:|---:|---|\n"
           "| 产出指标 | 数量指标 | 培训人次 | ≥ 200人次 | 230 人次 | 10 |\n"
           "| | 质量指标 | 验收合格率 | 100% | 100% | |\n"
           "| 效益指标 | 社会效益 | 群众满意度 \\| 抽样 | ≥90% | 95% | 9 |\n\n"
           "以上为指标完成情况。\n")
    lines = _lines(clean(raw))
    assert lines[2] == "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t得分"
    assert lines[3] == "产出指标\t数量指标\t培训人次\t≥ 200人次\t230人次\t10"
    assert lines[4] == "\t质量指标\t验收合格率\t100%\t100%"
    assert lines[5] == "效益指标\t社会效益\t群众满意度 | 抽样\t≥90%\t95%\t9"
    rows = parse_rows("\n".join(lines))
    assert rows[0].is_header and rows[2].column(4) == "实际完成值"


def test_lone_indented_line_is_text_not_a_row() -> None:
    assert clean("\t一、基本情况\n\n正文内容。\n") == "一、基本情况\n\n正文内容。\n"


@pytest.mark.parametrize("name", sorted(SAMPLE_TEXTS))
def test_samples_idempotent(name: str) -> None:
    once = clean(SAMPLE_TEXTS[name])
    assert clean(once) == once
    assert once.endswith("\n") and "\n\n\n" not in once and "\r" not in once
    assert all(ln == ln.rstrip() for ln in once.split("\n"))


def test_idempotent_on_shuffled_fragments() -> None:
    """Random mixtures of real lines (tables, headings, broken paragraphs, debris) clean to a fixpoint."""
    pool = [ln for t in (TABLE, REPORT, PAGE_BREAK_CELL, REPEATED_HEADER) for ln in t.split("\n")]
    pool += ["", "", "- 2 -", "第 3 页", "| a | 指标 |", "|---|---|", "| 1 | 2 |", "\t\t\t", "**粗体**", "  "]
    rnd = random.Random(7)
    for _ in range(200):
        raw = "\n".join(rnd.choice(pool)[: rnd.choice([20, 80, 400])] for _ in range(rnd.randint(1, 25)))
        once = clean(raw)
        assert clean(once) == once, raw


def test_pdf_layout_dump() -> None:
    """pdftotext -layout style: indented, hard-wrapped lines, a form feed, a footer page number, space columns."""
    raw = ("  广州市天河区财政局\n2021 年度部门整体支出绩效自评报告\n\n一、部门基本情况\n  （一）部门职能\n"
           "    广州市天河区财政局是区政府主管财政收支、财税政策的工作部\n门，主要职责是：贯彻执行国家财政方针政策。\n"
           "                              - 1 -\n\f    单位：万元\n"
           "    项目名称    全年预算数    执行数    执行率\n    执法综合业务费    80.17    80.17    100%\n")
    assert clean(raw) == (
        "广州市天河区财政局\n2021年度部门整体支出绩效自评报告\n\n一、部门基本情况\n（一）部门职能\n"
        "广州市天河区财政局是区政府主管财政收支、财税政策的工作部门，主要职责是：贯彻执行国家财政方针政策。\n\n"
        "单位：万元\n项目名称\t全年预算数\t执行数\t执行率\n执法综合业务费\t80.17\t80.17\t100%\n")


def test_data_rows_are_not_headers() -> None:
    from ingest.tables import looks_like_header

    assert looks_like_header(["", "部门整体支出绩效目标", "关键指标", "预期实现值", "年度完成值"])
    assert looks_like_header(["项目名称", "全年预算数(万元)", "执行数", "执行率(%)"])
    assert not looks_like_header(["", "", "培训工作完成情况", "按照工作计划,完成所有培训工作", "2020年计划开展9次培训"])
    assert not looks_like_header(["产出指标", "数量指标", "培训人次", "≥200人次", "230人次"])


def test_html_dump_lines_tables_and_entities() -> None:
    raw = ("<p>一、存在问题</p><p>1.抽检进度前松后紧。<br>2.抽检靶向性有待增强&ldquo;高风险&rdquo;。</p>"
           "<table><tr><th>项目</th><th>预算数</th></tr><tr><td>抽检经费</td><td>1580.00</td></tr></table><p>&nbsp;</p>")
    assert clean(raw) == "一、存在问题\n1.抽检进度前松后紧。\n2.抽检靶向性有待增强“高风险”。\n项目\t预算数\n抽检经费\t1580.00\n"
    assert clean("预算&nbsp;执行 & 绩效") == "预算执行 & 绩效\n"


# ---- web-page chrome (ingest.boilerplate) ---------------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
CHROME = re.compile(r"今天是|当前位置|所在位置|您现在的位置|热门搜索|选择语言|发布时间|发布日期|索引号|浏览次数|阅读次数|点击率|"
                    r"浏览量|字体|字号|打印|分享到|上传人|文档编号|会员分享")


def test_web_chrome_goes_and_the_report_stays() -> None:
    page = ("欢迎来到广州市财政局网站\n今天是:\n关闭\n您当前所在位置: 首页 > 政务公开 > 财政资金\nX\n财务公开\n"
            "2021年度广州市财政局部门整体支出绩效自评报告\n"
            "来源:广州市财政局 发布时间:2022-05-10 10:00:33 浏览次数:123\n字号:大 中 小\n"
            "放大字体 | 缩小字体 | 已收藏,点击取消收藏 点击收藏 | 打印 |\n"
            "一、部门基本情况\n本局负责全市财政工作。\n【打印本页】【关闭窗口】\n分享到:\n")
    assert clean(page) == ("2021年度广州市财政局部门整体支出绩效自评报告\n一、部门基本情况\n本局负责全市财政工作。\n")


def test_metadata_block_keeps_the_issuer_and_a_title_written_nowhere_else() -> None:
    page = ("| 名稱 | 關于宿城區2022年預算執行情況的報告 | ||\n| 索引號 | 01432011X/2023-00023 | 分類 | 財政 |\n"
            "| 發布機構 | 宿城區財政局 | 發文日期 | |\n| 文件下載 | |||\n各位代表:\n受區人民政府委托,向大會報告。\n")
    assert clean(page) == "關于宿城區2022年預算執行情況的報告\n| 發布機構 | 宿城區財政局 |\n各位代表:\n受區人民政府委托,向大會報告。\n"
    listed = "信息名称: 关于江宁区2022年区级决算草案的报告\n生效日期:     废止日期:\n\n关于江宁区2022年区级决算草案的报告\n"
    assert clean(listed) == "关于江宁区2022年区级决算草案的报告\n"


def test_report_lines_that_look_like_chrome_stay() -> None:
    report = ("绩效自评报告\n区财政局\n各位代表:\n一、收入情况\n全年收入100万元,完成预算。\n来源:区统计局\n"
              "序号\t名称\t分类\t金额\n1\t道路维护\t中\t20\n评价档次\n中\n资金来源:财政拨款\n时间:2023年4月21日成立评价小组\n"
              "名称\t道路维护\n")
    assert clean(report) == report
    table = "名称\t道路维护\n时效\t长期\n序号\t名称\t分类\t金额\n1\t道路维护\t中\t20\n"  # a table before any sentence
    assert clean(table) == table


def test_document_sharing_site_chrome_goes() -> None:
    page = ("财政支出项目绩效评价报告.docx\n\n上传人:王** 文档编号:791094 上传时间:2024-01-14 格式:DOCX 页数:7 大小:27.75KB\n"
            "下载 相关 举报\n财政支出项目绩效评价报告.docx_第1页\n第1页 / 共7页\n亲,该文档总共7页,全部预览完了,如果喜欢就下载吧!\n"
            "资源描述\n《财政支出项目绩效评价报告.docx》由会员分享,可在线阅读,更多相关《财政支出项目绩效评价报告.docx(7页珍藏版)》"
            "请在优知文库上搜索。\n1、财政支出项目绩效评价报告评价类型:项目名称:美食购物嘉年华活动\n")
    assert clean(page) == "财政支出项目绩效评价报告.docx\n\n1、财政支出项目绩效评价报告评价类型:项目名称:美食购物嘉年华活动\n"


def test_published_pages_lose_their_chrome_and_keep_every_gold_evidence() -> None:
    """On the 37 published excerpts: no chrome word is left in the opening, every gold evidence span of
    qa.jsonl is still in the cleaned text (whitespace and table pipes ignored), and cleaning is idempotent."""
    gold = [json.loads(line) for line in (REAL / "qa.jsonl").read_text("utf-8").splitlines() if line.strip()]
    plain = lambda s: re.sub(r"[\s|]", "", s)  # noqa: E731
    lost = []
    for path in sorted((REAL / "docs").glob("*.txt")):
        text = clean(path.read_text("utf-8"))
        assert clean(text) == text, path.name
        assert not CHROME.search(text[:400]), (path.name, CHROME.search(text[:400]))
        lost += [(path.name, g["evidence"]) for g in gold
                 if g["doc"] == path.name and g.get("evidence") and plain(g["evidence"]) not in plain(text)]
    assert not lost
