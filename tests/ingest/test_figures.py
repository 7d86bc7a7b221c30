"""Figure extraction: prose clauses, tables, metrics and kinds, evidence spans, and coverage of the gold."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from core.records import Document, Figure
from ingest.chunk import split
from ingest.clean import clean
from ingest.figures import canonical_metric, extract, load_metric_synonyms
from ingest.load import load_document
from ingest.numbers import from_value, parse_quantity, same_quantity
from tests.conftest import GOLD, SAMPLES  # noqa: E402
from tests.generate import make_report, write_reports


def figures_of(raw: str, year: int | None = None) -> list[Figure]:
    doc = Document(name="t.txt", text=clean(raw), sha256="0", org="某区某局", year=year, report_type="自评报告")
    return extract(doc, split(doc))


def by_value(figs: list[Figure], value: str, unit: str) -> Figure:
    hits = [f for f in figs if f.value == Decimal(value) and f.unit == unit]
    assert len(hits) == 1, (value, unit, [(f.metric, f.value, f.unit) for f in figs])
    return hits[0]


def squash(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def covered(figs: list[Figure], value: object, unit: str, evidence: str) -> bool:
    """A figure with the gold base value whose evidence contains, or lies inside, the gold evidence."""
    want = from_value(value, unit)  # type: ignore[arg-type]
    ev = squash(evidence)
    return any(f.base_unit == want.base_unit and f.base_value == want.base_value
               and (squash(f.evidence) in ev or ev in squash(f.evidence)) for f in figs)


# --- coverage: real measurements ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_figures() -> dict[str, tuple[Document, list[Figure]]]:
    out = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        doc = load_document(path)
        out[doc.name] = (doc, extract(doc, split(doc)))
    return out


def test_every_numeric_gold_answer_is_an_extracted_figure(sample_figures: dict) -> None:
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    numeric = [g for g in gold if g["type"] == "numeric" and g["doc"] in sample_figures]
    missing = [g["id"] for g in numeric if not covered(sample_figures[g["doc"]][1], g["value"], g["unit"], g["evidence"])]
    print(f"seed gold coverage: {len(numeric) - len(missing)}/{len(numeric)}; figures per doc:",
          {name: len(figs) for name, (_, figs) in sample_figures.items()})
    assert len(numeric) >= 50
    assert missing == []


@pytest.mark.parametrize("noise", [False, True])
def test_generated_reports_are_covered(tmp_path: Path, noise: bool) -> None:
    orgs = ["佛山市南海区财政局", "广州市天河区教育局", "深圳市福田区民政局", "珠海市香洲区司法局"]
    total = 0
    missing = []
    for seed in range(8):
        rep = make_report(orgs[seed % 4], 2019 + seed % 4, seed, noise=noise, harder=noise)
        path = tmp_path / rep.name
        path.write_text(rep.text, encoding="utf-8")
        doc = load_document(path)
        assert (doc.org, doc.year) == (rep.org, rep.year)
        figs = extract(doc, split(doc))
        for g in rep.gold:
            if g["type"] == "numeric":
                total += 1
                if not covered(figs, g["value"], g["unit"], g["evidence"]):
                    missing.append((rep.name, g["question"], g["answer"]))
                want = {"expected": "target", "actual": "actual", "change": "change"}.get(g.get("note", "").split(" ")[0])
                if want and not any(f.kind == want for f in figs if covered([f], g["value"], g["unit"], g["evidence"])):
                    missing.append((rep.name, g["question"], f"kind {want}"))
    print(f"generated coverage (noise={noise}): {total - len(missing)}/{total}")
    assert missing == []


def test_spans_chunks_and_metadata(sample_figures: dict) -> None:
    for doc, figs in sample_figures.values():
        chunks = {c.id: c for c in split(doc)}
        assert len(figs) > 50
        for f in figs:
            assert doc.text[f.start:f.end] == f.evidence and f.evidence
            num = doc.text[int(f.extra["num_start"]):int(f.extra["num_end"])]
            assert f.start <= int(f.extra["num_start"]) and int(f.extra["num_end"]) <= f.end
            assert num.replace(" ", "") and re.search(r"\d|[一二两三四五六七八九十]", num), (num, f)
            c = chunks[f.chunk_id]
            assert c.start <= f.start and f.end <= c.end
            assert (f.org, f.year, f.doc_name) == (doc.org, doc.year, doc.name)
            assert f.unit and f.metric, f


def test_no_year_date_or_list_number_becomes_a_figure(sample_figures: dict) -> None:
    for _, figs in sample_figures.values():
        for f in figs:
            assert not (f.unit in ("", "年") and 1990 <= f.value <= 2100)
            assert f.unit not in ("月", "号")


def test_generator_is_deterministic_and_self_consistent() -> None:
    a = make_report("佛山市南海区财政局", 2021, 11, noise=True)
    assert a == make_report("佛山市南海区财政局", 2021, 11, noise=True)
    assert a.text != make_report("佛山市南海区财政局", 2021, 12, noise=True).text
    types = {g["type"] for g in a.gold}
    assert {"numeric", "computed", "unanswerable"} <= types
    for g in a.gold:
        if g["type"] == "unanswerable":
            assert g["doc"] is None and g["value"] is None
            continue
        assert g["evidence"] in a.text and g["doc"] == a.name
        stated = parse_quantity(g["answer"])
        assert stated is not None and same_quantity(stated, from_value(g["value"], g["unit"])), g


def test_write_reports_keeps_the_gold_true_for_the_corpus(tmp_path: Path) -> None:
    specs = [("佛山市南海区财政局", 2021, 1), ("佛山市南海区财政局", 2022, 2)]
    reports = write_reports(tmp_path, specs)
    lines = [json.loads(x) for x in (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == sum(len(r.gold) for r in reports)
    assert not any(g["type"] == "unanswerable" and "2021年南海区财政局" in g["question"] for g in lines)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["gen_1.txt", "gen_2.txt"]


# --- prose ---------------------------------------------------------------------------------------------

def test_budget_paragraph_metrics() -> None:
    figs = figures_of("预算完成情况：2022年部门年初预算为2626.63万元，经预算调整，本年收入预算为2731.93万元。"
                      "本年支出2681.33万元，其中基本支出2134.84万元，项目支出546.49万元。预算执行率为98.15%。")
    assert [f.metric for f in figs] == ["部门年初预算", "本年收入预算", "本年支出", "基本支出", "项目支出", "预算执行率"]
    assert [f.canonical for f in figs][:2] == ["年初预算", "收入预算"]
    first = figs[0]
    assert first.evidence == "2022年部门年初预算为2626.63万元"
    assert (first.base_value, first.base_unit, first.kind) == (Decimal("26266300"), "元", "budget")
    assert figs[-1].evidence == "预算执行率为98.15%" and figs[-1].kind == "actual"


def test_number_after_another_in_a_list_inherits_the_metric() -> None:
    figs = figures_of("三是圆满完成防御工作，预置专业抢险队伍 58 支、972 人，出动巡查人员 1483 人次。")
    teams, people = by_value(figs, "58", "支"), by_value(figs, "972", "人")
    assert teams.metric == "预置专业抢险队伍"
    assert "专业抢险队伍" in people.metric and people.metric != teams.metric
    assert people.evidence == "预置专业抢险队伍58支、972人"


def test_before_and_after_values() -> None:
    figs = figures_of("三是提高审批效率，将审批时限由 8 个工作日缩短为 1 个工作日，共办理许可 95 家。")
    before, after = by_value(figs, "8", "个工作日"), by_value(figs, "1", "个工作日")
    assert before.metric == after.metric == "审批时限"
    assert before.extra["role"] == "before" and after.kind == "actual" and after.extra.get("role") == "after"


def test_changes_are_marked() -> None:
    figs = figures_of("安全生产行政处罚 1176 宗，处罚金额 1203.2 万元，同比增长 128%。"
                      "支出合计1,100,000元，较上年减少8.6万元，下降2.1个百分点。")
    assert by_value(figs, "1203.2", "万元").kind == "actual"
    growth = by_value(figs, "128", "%")
    assert (growth.kind, growth.metric) == ("change", "处罚金额")
    assert by_value(figs, "-8.6", "万元").kind == "change"
    assert by_value(figs, "-2.1", "个百分点").quantity_kind == "points"
    assert by_value(figs, "1100000", "元").base_value == Decimal(1100000)


def test_label_before_a_colon_is_the_metric() -> None:
    figs = figures_of("协助平台上线培训：31 场次，参训企业：4209 家，参训人员：4523 人。")
    assert by_value(figs, "4209", "家").metric == "参训企业"
    assert by_value(figs, "4209", "家").evidence == "参训企业：4209家"


def test_object_after_the_number_joins_the_metric() -> None:
    figs = figures_of("今年共办理665宗许可业务，共核发55569张特种作业证。")
    assert by_value(figs, "665", "宗").metric == "办理许可业务"
    assert by_value(figs, "55569", "张").metric == "核发特种作业证"


def test_things_that_are_not_figures() -> None:
    figs = figures_of("一、部门基本情况\n\n联系电话：020-83212345，文号穗财〔2022〕12号。2022年12月31日前完成。"
                      "1.做好预算管理。（2）加强绩效管理。第3季度开展自查。实施《2020-2023年工作计划》。")
    assert figs == []


def test_debris_and_ranges_are_not_figures() -> None:
    figs = figures_of("排查隐患 22.2 万 170 项，补助标准为每人10-20万元，督导问题19596次。")
    assert [(f.value, f.unit) for f in figs] == [(Decimal(19596), "次")]


def test_target_words_in_prose() -> None:
    figs = figures_of("2020年计划开展9次培训，已完成9次培训。")
    assert [f.kind for f in figs] == ["target", "actual"]


def test_figures_of_another_year_say_so() -> None:
    figs = figures_of("2021年支出2000万元，2022年支出2500万元，较上年增长25%。", year=2022)
    old, new = by_value(figs, "2000", "万元"), by_value(figs, "2500", "万元")
    assert (old.metric, old.extra.get("year_in_text")) == ("2021年支出", "2021")
    assert (new.metric, new.evidence) == ("支出", "2022年支出2500万元")
    table = figures_of("指标\t2021年\t2022年\n培训人次\t300人次\t500人次\n", year=2022)
    assert [(f.metric, f.value) for f in table] == [("培训人次 2021年", Decimal(300)), ("培训人次 2022年", Decimal(500))]
    assert table[0].extra["year_in_text"] == "2021" and "year_in_text" not in table[1].extra


def test_goal_sections_bracketed_targets_and_full_marks() -> None:
    figs = figures_of("一、项目基本情况\n\n（二）项目绩效目标\n\n1.完成不少于15所学校的校舍维修改造。\n\n"
                      "二、项目绩效目标完成情况\n\n完成12所学校的校舍维修改造。全年城镇新增就业5,628人，"
                      "完成年度目标任务（4,500人）的125.07%。效益指标得分28.3分（满分30分）。\n")
    assert by_value(figs, "15", "所").kind == "target"  # a goal section: what was planned
    assert by_value(figs, "12", "所").kind == "actual"
    goal, share = by_value(figs, "4500", "人"), by_value(figs, "125.07", "%")
    assert (goal.kind, goal.metric) == ("target", "年度目标任务")
    assert (share.kind, share.metric) == ("actual", "完成年度目标任务")  # the label before the brackets
    full = by_value(figs, "30", "分")
    assert (full.kind, full.metric) == ("target", "效益指标满分")
    assert by_value(figs, "28.3", "分").kind == "actual"


def test_canonical_names_drop_who_and_when() -> None:
    assert canonical_metric("市卫健委2022年度部门整体支出绩效评价得分") == "自评得分"
    assert canonical_metric("区人社局年初预算") == "年初预算"
    assert canonical_metric("合计 执行率") == "预算执行率"
    assert canonical_metric("2021年部门年初预算") != "年初预算"  # another year is never dropped
    assert canonical_metric("部门全年实际支出") == "本年支出"
    figs = figures_of("2021年年初预算2000万元，2022年年初预算2500万元。", year=2022)
    assert by_value(figs, "2000", "万元").canonical.startswith("2021年")
    assert by_value(figs, "2500", "万元").canonical == "年初预算"


# --- tables --------------------------------------------------------------------------------------------

def test_spending_columns_and_unknown_columns_are_named() -> None:
    figs = figures_of("部门预算收支情况表（单位：万元）\n项目\t年初预算\t调整后预算\t全年支出\t上年支出\n"
                      "基本支出\t986.40\t1,012.55\t1,009.80\t950.00\n")
    spent = by_value(figs, "1009.80", "万元")  # "全年支出" is what was spent, in the table's 万元
    assert (spent.kind, spent.metric) == ("actual", "基本支出 全年支出")
    last = by_value(figs, "950.00", "万元")
    assert last.metric == "基本支出 上年支出"  # a previous period's column is always named


def test_a_sentence_in_a_cell_is_no_row_label() -> None:
    figs = figures_of("年度总体目标\t预期目标\t实际完成情况\n"
                      "\t完成45台以上医疗设备配置，培训基层医务人员600人次以上。\t完成48台医疗设备配置，培训552人次。\n")
    assert "552" not in by_value(figs, "600", "人次").metric


def test_rates_per_population_are_not_figures() -> None:
    figs = figures_of("三级指标\t指标值\t实际完成值\n甲乙类传染病发病率\t≤200/10万\t168.5/10万\n")
    assert figs == []


def test_full_width_thousands_separators_from_ocr() -> None:
    figs = figures_of("２０２１年部门年初预算为２，８４６．５０万元，完成农村“厕所革命”改造１，０５６户。", year=2021)
    assert by_value(figs, "2846.50", "万元").canonical == "年初预算"
    assert by_value(figs, "1056", "户").kind == "actual"



def test_performance_table_targets_and_actuals() -> None:
    figs = figures_of("某局2023年部门整体绩效完成情况表\n\n关键指标\t预期实现值\t年度完成值\n"
                      "发布应急管理新闻\t全年发布信息不少于60条\t全年发布信息近540条。\n"
                      "安全事故处理完成率（%）\t完成率达到95%\t2020年安全事故处理完成率75%。\n"
                      "群众满意度\t≥90%\t96.5%\n")
    target, actual = by_value(figs, "60", "条"), by_value(figs, "540", "条")
    assert (target.kind, target.qualifier, actual.kind, actual.qualifier) == ("target", "不少于", "actual", "近")
    rate_t, rate_a = by_value(figs, "95", "%"), by_value(figs, "75", "%")
    assert (rate_t.kind, rate_a.kind) == ("target", "actual")
    assert rate_t.metric == "安全事故处理完成率"
    sat_t, sat_a = by_value(figs, "90", "%"), by_value(figs, "96.5", "%")
    assert (sat_t.metric, sat_t.kind, sat_t.qualifier, sat_a.kind) == ("群众满意度", "target", "≥", "actual")
    assert "群众满意度" in sat_a.context and "年度完成值" in sat_a.context


def test_budget_table_numeric_cells_take_the_header() -> None:
    figs = figures_of("单位：万元\n\n项目名称\t年初预算数\t全年预算数\t全年执行数\t执行率\t得分\n"
                      "执法综合业务费\t80.17\t80.17\t79.5\t99.16%\t9.5\n")
    full = [f for f in figs if f.extra.get("header") == "全年预算数"][0]
    assert (full.metric, full.unit, full.base_value, full.kind) == ("执法综合业务费 全年预算数", "万元",
                                                                 Decimal("801700"), "budget")
    assert full.extra.get("unit_inferred")
    # extra["column"] is what the column holds, in the answer side's words
    assert [f.extra["column"] for f in figs] == ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "得分"]
    spent = by_value(figs, "79.5", "万元")
    assert (spent.kind, spent.canonical) == ("actual", "执法综合业务费执行数")
    assert by_value(figs, "99.16", "%").canonical == "执法综合业务费预算执行率"
    assert by_value(figs, "9.5", "分").quantity_kind == "score"
    assert "执法综合业务费" in spent.evidence


def test_markdown_table_and_units_in_headers() -> None:
    figs = figures_of("| 项目名称 | 年初预算数（万元） | 执行率 |\n|---|---|---|\n| 办公经费 | 80.17 | 99.39 |\n")
    assert by_value(figs, "80.17", "万元").metric == "办公经费 年初预算数"
    assert by_value(figs, "99.39", "%").kind == "actual"


# --- metric synonyms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("metric, canonical", [
    ("预算执行率", "预算执行率"), ("部门年度整体预算完成率", "预算执行率"), ("资金支出进度", "预算执行率"),
    ("部门年初预算", "年初预算"), ("本年收入预算", "收入预算"), ("调整后的收入预算", "收入预算"),
    ("全年预算数", "全年预算"), ("调整后预算数", "调整后预算"), ("部门整体支出绩效自评结果", "自评得分"),
    ("执法综合业务费 执行率", "执法综合业务费预算执行率"), ("“执法综合业务费”项目全年预算数", "执法综合业务费全年预算"),
    ("项目支出执行率", "项目支出预算执行率"), ("审批时限", "审批时限"), ("基本支出", "基本支出"),
])
def test_canonical_metric(metric: str, canonical: str) -> None:
    assert canonical_metric(metric) == canonical


def test_look_alike_budgets_stay_apart() -> None:
    names = {canonical_metric(m) for m in ["年初预算", "全年预算", "调整后预算", "收入预算"]}
    assert len(names) == 4
    syn = load_metric_synonyms()
    assert "执行率" in syn["预算执行率"] and "年初预算" in syn


def test_user_synonyms_merge(tmp_path: Path) -> None:
    extra = tmp_path / "more.toml"
    extra.write_text('[metrics]\n"预算执行率" = ["资金到位执行比"]\n"新指标" = ["新说法"]\n', encoding="utf-8")
    syn = load_metric_synonyms(extra)
    assert "资金到位执行比" in syn["预算执行率"] and "执行率" in syn["预算执行率"] and syn["新指标"] == ["新说法"]
