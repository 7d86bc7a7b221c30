"""Scorer cases written by hand, including the ways text comparison gets Chinese figures wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.answer import Answer, Citation, Retrieved, refusal
from eval.gold import GoldItem
from eval.match import char_f1, named_winner, norm_span
from eval.score import citation_hit, fabricated_figures, retrieval_rank, score_item

DOC = "001_haizhu.txt"


def gold(answer: str, value: str | None = None, unit: str | None = None, *, type: str = "numeric",
         evidence: str | None = "预算执行率为98.15%", doc: str | None = DOC,
         question: str = "2022年海珠区预算执行率是多少") -> GoldItem:
    return GoldItem(id="g1", question=question, answer=answer, value=Decimal(value) if value else None, unit=unit,
                    doc=doc, evidence=evidence, type=type)


def ans(text: str, *, value: str | None = None, unit: str | None = None, cites: list[Citation] | None = None,
        **kw: object) -> Answer:
    return Answer(question="q", answer=text, value=Decimal(value) if value else None, unit=unit,
                  citations=cites or [], **kw)  # type: ignore[arg-type]


def cite(text: str, doc: str = DOC, context: str = "") -> Citation:
    return Citation(doc=doc, section="", text=text, start=0, end=len(text), context=context)


RATE = gold("98.15%", "98.15", "%")
BUDGET = gold("2626.63万元", "2626.63", "万元", evidence="2022年部门年初预算为2626.63万元")


@pytest.mark.parametrize(("item", "text", "right"), [
    (RATE, "预算执行率为98.15%", True),
    (RATE, "98.1%", False),  # fewer decimals than the gold states
    (RATE, "98.154%", True),  # rounds to the gold's decimals
    (RATE, "98.2%", False),
    (RATE, "百分之九十八点一五", True),  # Chinese numerals
    (RATE, "98.15个百分点", False),  # percent vs 百分点
    (RATE, "98.15", False),  # a rate without its unit
    (BUDGET, "26266300元", True),  # another scale of the same unit
    (BUDGET, "2,626.63万元", True),  # thousands separator
    (BUDGET, "0.26亿元", False),  # right scale, too coarse
    (BUDGET, "0.2626630亿元", True),
    (BUDGET, "2626.6万元", False),
    (BUDGET, "2626.63人", False),  # 元 vs 人
    (gold("219.00万元", "219.0", "万元"), "219万元", True),  # same amount, trailing zeros
    (gold("43.7万家次", "437000", "家次"), "437000家次", True),  # gold value stored in base unit
    (gold("近540条", "540", "条"), "540条", True),  # qualifier dropped: right, noted
    (gold("近540条", "540", "条"), "近540条", True),
    (gold("不少于60条", "60", "条"), "不超过60条", False),  # contradicting bounds
    (gold("近1.5亿元", "150000000", "元"), "14980万元", True),  # precision as written in the gold answer
    (gold("-3.5%", "-3.5", "%"), "下降3.5%", True),  # negative
    (gold("-3.5%", "-3.5", "%"), "增长3.5%", False),
    (gold("10个", "10", "个"), "二级项目十个", True),
    (gold("10个", "10", "个"), "10人", False),
])
def test_figure_answers(item: GoldItem, text: str, right: bool) -> None:
    score = score_item(item, ans(text))
    assert score.correct is right, score.reason


def test_structured_value_wins_over_text_and_errors_explain() -> None:
    assert score_item(BUDGET, ans("年初预算见下", value="26266300", unit="元")).correct
    s = score_item(RATE, ans("预算执行率为98.1%", value="98.1", unit="%"))
    assert not s.correct and "98.15%" in s.reason and "98.1%" in s.reason


def test_figure_in_text_skips_years_and_echoed_numbers() -> None:
    s = score_item(RATE, ans("2022年海珠区应急管理局预算执行率为98.15%，本年支出2681.33万元"))
    assert s.correct


def test_qualifier_difference_is_noted() -> None:
    s = score_item(gold("近540条", "540", "条"), ans("540条"))
    assert s.correct and any("qualifier" in n for n in s.notes)


def test_refusals_and_unanswerable() -> None:
    unans = gold("unanswerable", type="unanswerable", evidence=None, doc=None, question="2021年海珠区预算执行率是多少")
    ok = score_item(unans, refusal(unans.question, "没有2021年海珠区的报告"))
    assert ok.correct and ok.refused and not ok.refusal_with_figure
    answered = score_item(unans, ans("98.15%"))
    assert not answered.correct and answered.fabricated == ["98.15%"]
    figure_refusal = score_item(unans, refusal(unans.question, "没有2021年的报告；2022年为98.15%"))
    assert figure_refusal.correct and figure_refusal.refusal_with_figure
    refused_answerable = score_item(RATE, refusal(RATE.question, "找不到"))
    assert not refused_answerable.correct and refused_answerable.reason.startswith("refused")
    assert refused_answerable.citation_hit is None


COMPARE = gold("广州市应急管理局（99.23%，高于海珠区的98.15%）", type="comparison", evidence="部门年度整体预算完成率：99.23%",
               doc="000_gz.txt,001_haizhu.txt", question="2020年广州市应急管理局和2022年海珠区应急管理局，谁的预算执行率更高")


@pytest.mark.parametrize(("text", "right"), [
    ("广州市应急管理局更高：99.23%，海珠区应急管理局为98.15%", True),
    ("2020年广州市应急管理局的预算执行率（99.23%）高于2022年海珠区应急管理局（98.15%）", True),
    ("海珠区应急管理局（98.15%）低于广州市应急管理局（99.23%）", True),  # winner after 低于
    ("广州市应急局更高，99.23%对98.15%", True),
    ("海珠区应急管理局更高：98.15%，广州市99.23%", False),  # wrong winner
    ("广州市应急管理局更高（99.23%）", False),  # one value missing
    ("广州市应急管理局更高（99.2%，海珠区98.15%）", False),  # value too coarse
])
def test_comparison_answers(text: str, right: bool) -> None:
    assert score_item(COMPARE, ans(text)).correct is right


def test_winner_for_a_lower_question() -> None:
    q = "执法综合业务费和总值班室工作经费哪个预算数更低"
    assert named_winner("总值班室工作经费", q, "执法综合业务费（80.17万元）高于总值班室工作经费（14.18万元）")
    assert not named_winner("总值班室工作经费", q, "执法综合业务费更低")


@pytest.mark.parametrize(("text", "right"), [
    ("自评等级为“优”", True),  # containment after normalisation
    ("等级 为 优", True),
    ("良", False),
])
def test_text_containment(text: str, right: bool) -> None:
    item = gold("优", type="text", evidence="等级为“优”", question="自评等级是什么")
    assert score_item(item, ans(text)).correct is right


def test_text_f1_threshold() -> None:
    item = gold("增城区小楼镇", type="text", evidence="在增城区小楼镇举办", question="演习在哪里举办")
    assert score_item(item, ans("增城区小楼")).correct  # F1 0.91
    assert not score_item(item, ans("增城")).correct  # F1 0.5
    assert char_f1("增城区小楼", "增城区小楼镇") == pytest.approx(10 / 11)


def test_citation_whitespace_and_nfkc_insensitive() -> None:
    a = ans("98.15%", cites=[cite("预算执行率为\n98.15％")])
    assert citation_hit(RATE, a) is True
    assert citation_hit(RATE, ans("98.15%", cites=[cite("预算执行率为98.15%", doc="other.txt")])) is False
    assert citation_hit(RATE, ans("98.15%")) is False
    assert norm_span(" 执行数为 34.52 万元 ") == "执行数为34.52万元"


def test_citation_of_part_of_the_evidence_or_its_figures() -> None:
    item = gold("20.38%", "20.38", "%", type="computed",
                evidence="本年支出2681.33万元，其中基本支出2134.84万元，项目支出546.49万元")
    assert citation_hit(item, ans("20.38%", cites=[cite("本年支出2681.33万元"), cite("项目支出546.49万元")]))
    assert citation_hit(BUDGET, ans("2626.63万元", cites=[cite("年初预算为2626.63万元")]))  # shorter span
    assert not citation_hit(BUDGET, ans("2626.63万元", cites=[cite("年初预算为2626.6万元")]))


def test_fabricated_figures() -> None:
    cited = [cite("预算执行率为98.15%", context="本年支出2681.33万元，预算执行率为98.15%")]
    assert fabricated_figures(RATE, ans("98.15%，本年支出2681.33万元", cites=cited)) == []
    assert fabricated_figures(RATE, ans("98.15%，较上年提高2.3个百分点", cites=cited)) == ["2.3个百分点"]
    assert fabricated_figures(RATE, ans("约98.2%", cites=cited)) == []  # rounding of a cited figure
    assert fabricated_figures(BUDGET, ans("26266300元")) == []  # the gold answer backs it, at any scale


def test_computed_figure_backed_by_cited_formula_inputs() -> None:
    item = gold("20.38%", "20.38", "%", type="computed", evidence="本年支出2681.33万元，项目支出546.49万元")
    inputs = [cite("本年支出2681.33万元"), cite("项目支出546.49万元")]
    a = ans("项目支出占比20.38%", value="20.38", unit="%", formula="546.49 / 2681.33 × 100% = 20.38%", cites=inputs)
    item_other = gold("20.40%", "20.40", "%", type="computed", evidence=None)
    assert fabricated_figures(item_other, a) == []
    uncited = ans("项目支出占比20.38%", value="20.38", unit="%", formula="546.49 / 2681.33 × 100% = 20.38%",
                  cites=inputs[:1])
    assert fabricated_figures(item_other, uncited) == ["20.38%"]
    assert score_item(item, a).correct
    # the pipeline's own form: names, then figures, then the result, each after an "="
    named = ans("项目支出占比20.38%", value="20.38", unit="%", cites=inputs,
                formula="项目支出 ÷ 本年支出 = 546.49万元 ÷ 2681.33万元 = 20.38%")
    assert fabricated_figures(item_other, named) == []
    assert fabricated_figures(item_other, ans("项目支出占比20.38%", value="20.38", unit="%", cites=inputs[:1],
                                              formula="项目支出 ÷ 本年支出 = 546.49万元 ÷ 2681.33万元 = 20.38%")) == ["20.38%"]


def test_retrieval_rank() -> None:
    def r(text: str, doc: str = DOC) -> Retrieved:
        return Retrieved(chunk_id=text[:4], doc=doc, section="", text=text, score=1.0)
    a = ans("98.15%", retrieved=[r("无关"), r("预算执行率为98.15%", doc="x.txt"), r("二、… 预算执行率为 98.15% 。")])
    assert retrieval_rank(RATE, a) == 3
    assert retrieval_rank(RATE, ans("98.15%", retrieved=[r("无关")])) == 0
    assert retrieval_rank(RATE, ans("98.15%")) is None


def test_structured_value_takes_the_qualifier_written_in_the_text() -> None:
    s = score_item(gold("近540条", "540", "条"), ans("发布信息为近540条。", value="540", unit="条"))
    assert s.correct and s.notes == []


@pytest.mark.parametrize(("text", "right"), [
    ("预算执行率：2020年广州市应急管理局为99.23%，2022年广州市海珠区应急管理局为98.15%；2020年广州市应急管理局更高。", True),
    ("预算执行率：2022年广州市海珠区应急管理局为98.15%，2020年广州市应急管理局为99.23%；海珠区更高。", False),
    ("广州市海珠区应急管理局98.15%，比广州市应急管理局99.23%更低", True),  # the other one is higher
    ("广州市应急管理局比海珠区应急管理局高：99.23%对98.15%", True),
])
def test_comparison_conclusions_after_listing_both(text: str, right: bool) -> None:
    assert score_item(COMPARE, ans(text)).correct is right


def test_gold_answers_score_right_against_themselves() -> None:
    from eval.gold import load_gold
    from tests.conftest import GOLD

    for item in load_gold(GOLD):
        if item.type == "unanswerable":
            a = refusal(item.question, "报告中没有")
        else:
            a = ans(item.answer, cites=[cite(item.evidence or "", doc=item.docs[0])])
        s = score_item(item, a)
        assert s.correct and not s.fabricated and s.citation_hit is not False, (item.id, s.reason)


@pytest.mark.parametrize(("item", "answer", "given", "wrong"), [
    (RATE, ans("预算执行率为98.15%"), True, False),  # right figure
    (RATE, ans("预算执行率为97.15%"), True, True),  # wrong figure
    (RATE, refusal(RATE.question, "报告中没有"), False, False),  # refusal: no figure given
    (RATE, ans("报告说明了执行情况"), False, False),  # answered without a figure: wrong, but no figure
    (RATE, ans("", route="error"), False, False),
    (COMPARE, ans("海珠区更高"), True, True),  # a comparison's verdict is what it gives
    (COMPARE, ans("广州市应急管理局更高：99.23%对98.15%"), True, False),
    (gold("unanswerable", type="unanswerable", evidence=None, doc=None), ans("预算执行率为96.5%"), True, True),
    (gold("unanswerable", type="unanswerable", evidence=None, doc=None), ans("无法判断，执行较好"), False, False),
    (gold("unanswerable", type="unanswerable", evidence=None, doc=None),
     refusal(RATE.question, "报告中没有"), False, False),
    (gold("优", type="text", evidence="等级为优"), ans("等级为优，得分96分"), False, False),  # text: not a figure question
])
def test_figures_given_and_wrong(item: GoldItem, answer: Answer, given: bool, wrong: bool) -> None:
    s = score_item(item, answer)
    assert (s.figure_given, s.wrong_figure) == (given, wrong), s.reason
    assert s.docs == item.docs
