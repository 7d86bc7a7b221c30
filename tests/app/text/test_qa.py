"""Text answers: whole sections for list questions, sentences for the rest, refusals for what a report does not say."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.text.qa import answer_text
from app.text.retrieve import Scored
from app.text.sections import asked_topic, heading_topics, section_matches
from core.records import Chunk, Document
from ingest.chunk import split
from ingest.clean import clean
from ingest.meta import detect

# Two invented reports in the genre's usual shape (not copies of any test or sample report).
DEPT = """某市某区审计局2023年度部门整体支出绩效自评报告

一、部门基本情况

（一）部门职责

主要职责是：1.负责全区审计监督工作；2.组织实施经济责任审计；3.指导内部审计工作。

（二）部门整体收支情况

2023年部门年初预算为980.00万元，预算执行率为97.10%。

二、自评结论

经自评，部门整体支出绩效自评得分为91分，自评等级为“优”。2023年5月在区行政中心举办了内部审计业务培训班。

三、存在的问题

（一）审计人员专业结构不合理。计算机、工程类专业人员偏少，难以满足大数据审计需要。

（二）审计整改跟踪不到位。部分审计发现问题整改周期较长，整改结果运用不充分。

四、下一步工作计划

（一）加强审计队伍建设，引进计算机和工程造价专业人才。

（二）建立审计整改台账，实行销号管理。

某市某区审计局
2024年2月20日
"""

PROJECT = """某县2022年度农村公路养护专项资金项目支出绩效自评报告

一、项目基本情况

项目主管部门为某县交通运输局，项目实施单位为各乡镇人民政府。

二、存在的问题及原因

部分路段养护不及时，存在坑槽、路肩缺损等病害。

三、改进建议

建议将养护资金纳入乡镇年度预算，建立日常巡查制度。
"""


def _doc(text: str, name: str) -> Document:
    cleaned = clean(text)
    meta = detect(cleaned, name)
    return Document(name=name, text=cleaned, sha256=name, org=meta.org, year=meta.year, title=meta.title)


def _ask(question: str, key: str, *texts: str) -> tuple[str, bool, list[Chunk]]:
    """Retrieval stand-in: every chunk of the given reports, in document order (the real ranker is tested
    end to end in tests/test_unseen_text.py)."""
    docs = [_doc(t, f"r{i}.txt") for i, t in enumerate(texts)]
    chunks = [c for d in docs for c in split(d)]
    by_id = {d.id: d.text for d in docs}
    source: Callable[[Chunk], str] = lambda c: by_id[c.doc_id][c.start:c.end]  # noqa: E731
    hits = [Scored(c, 1.0 / (i + 1), 0.0, 0.0) for i, c in enumerate(chunks)]
    ans = answer_text(question, key, hits, source)
    if not ans.refused:
        cite = ans.citations[0]
        assert by_id[next(d.id for d in docs if d.name == cite.doc)][cite.start:cite.end] == cite.text
    return ans.answer, ans.refused, chunks


def test_topics_of_questions_and_headings() -> None:
    assert asked_topic("部门整体支出存在的主要问题").topic.name == "problems"  # type: ignore[union-attr]
    assert asked_topic("下一步有改进措施").topic.name == "measures"  # type: ignore[union-attr]
    assert asked_topic("针对存在的问题提出的建议").topic.name == "measures"  # type: ignore[union-attr]
    assert asked_topic("自评等级") is None
    assert heading_topics("### 四、下一步工作计划") == {"measures"}
    assert heading_topics("第四部分 存在问题及原因分析") == {"problems"}
    assert section_matches("三、存在的问题 > （一）审计人员专业结构不合理", asked_topic("问题").topic)  # type: ignore[union-attr]


def test_problems_question_quotes_the_whole_section() -> None:
    answer, refused, _ = _ask("审计局存在的主要问题是什么", "存在的主要问题", DEPT)
    assert not refused
    assert "审计人员专业结构不合理" in answer and "审计整改跟踪不到位" in answer
    assert "三、存在的问题" not in answer and "下一步" not in answer


def test_measures_question_finds_a_differently_named_section_without_the_signature() -> None:
    answer, refused, _ = _ask("审计局下一步改进措施有哪些", "下一步改进措施", DEPT)
    assert not refused and "建立审计整改台账" in answer
    assert "2024年2月20日" not in answer and "某市某区审计局" not in answer


def test_section_question_about_an_uncovered_topic_is_refused() -> None:
    answer, refused, _ = _ask("审计局信息化建设存在哪些问题", "信息化建设存在问题", DEPT)
    assert refused and "信息化" in answer


def test_two_reports_with_the_section_and_no_scope_ask_which() -> None:
    answer, refused, _ = _ask("存在的问题是什么", "存在的问题", DEPT, PROJECT)
    assert refused and "请在问题中写明" in answer


def test_subject_words_choose_the_report() -> None:
    answer, refused, _ = _ask("农村公路养护项目存在哪些问题", "农村公路养护项目存在问题", DEPT, PROJECT)
    assert not refused and "坑槽" in answer


@pytest.mark.parametrize(("question", "key", "expected"), [
    ("审计局的自评等级是什么", "自评等级", "自评等级为“优”"),
    ("农村公路养护项目的实施单位是谁", "农村公路养护项目的实施单位是谁", "各乡镇人民政府"),
    ("内部审计业务培训班在哪里举行", "内部审计业务培训班在举行", "区行政中心"),
    ("审计局的主要职责", "主要职责", "组织实施经济责任审计"),
])
def test_sentence_and_section_answers(question: str, key: str, expected: str) -> None:
    answer, refused, _ = _ask(question, key, DEPT, PROJECT)
    assert not refused and expected in answer


@pytest.mark.parametrize(("question", "key"), [
    ("农村公路养护项目的监理单位是谁", "农村公路养护项目的监理单位是谁"),  # 监理 is never mentioned
    ("审计局图书馆免费开放情况如何", "图书馆免费开放情况"),
    ("审计局政府采购存在哪些问题", "政府采购存在问题"),
])
def test_questions_the_reports_do_not_answer_are_refused(question: str, key: str) -> None:
    _, refused, _ = _ask(question, key, DEPT, PROJECT)
    assert refused


def test_a_heading_is_never_the_answer() -> None:
    answer, refused, _ = _ask("审计局的自评结论", "自评结论", DEPT)
    assert not refused and answer.startswith("经自评")


def test_inline_list_paragraph_is_quoted_whole() -> None:
    text = ("某区民政局2022年度部门整体支出绩效自评报告\n\n"
            "四、绩效自评情况\n\n自评得分为88分。存在的问题：一是资金拨付进度偏慢；二是绩效指标不够细化；"
            "三是档案管理不规范。\n")
    answer, refused, _ = _ask("民政局存在的问题有哪些", "存在的问题", text)
    assert not refused and "资金拨付进度偏慢" in answer and "档案管理不规范" in answer


def test_no_hits_is_a_refusal() -> None:
    ans = answer_text("问题", "问题", [], lambda c: "")
    assert ans.refused and ans.route == "text"


def test_sentence_introducing_a_list_is_quoted_with_the_list() -> None:
    report = ("某区民政局2023年度部门整体支出绩效自评报告\n\n一、部门基本情况\n\n某区民政局的主要职能是：\n\n"
              "1.负责全区社会救助工作。\n\n2.负责养老服务体系建设。\n\n3.负责婚姻登记管理。\n\n二、自评结论\n\n"
              "自评等级为“良”。\n")
    answer, refused, _ = _ask("民政局的主要职能是什么", "主要职能", report)
    assert not refused and answer.startswith("某区民政局的主要职能是：")
    assert "养老服务体系建设" in answer and "婚姻登记管理" in answer and "自评" not in answer
