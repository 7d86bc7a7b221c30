"""Section topics: what a question asks about and which headings name it."""

from __future__ import annotations

from app.text.sections import asked_topic, heading_topics, section_matches


def test_topics_of_questions_and_headings() -> None:
    assert asked_topic("部门整体支出存在的主要问题").topic.name == "problems"  # type: ignore[union-attr]
    assert asked_topic("下一步有改进措施").topic.name == "measures"  # type: ignore[union-attr]
    assert asked_topic("针对存在的问题提出的建议").topic.name == "measures"  # type: ignore[union-attr]
    assert asked_topic("自评等级") is None
    assert heading_topics("### 四、下一步工作计划") == {"measures"}
    assert heading_topics("第四部分 存在问题及原因分析") == {"problems"}
    assert section_matches("三、存在的问题 > （一）审计人员专业结构不合理", asked_topic("问题").topic)  # type: ignore[union-attr]
