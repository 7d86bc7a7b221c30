"""Follow-ups made standalone against the conversation: rules first, then the rewriter hook."""

from __future__ import annotations

from app.conversation import Conversations, Turn, leans_on_context, resolve, vs_year
from app.pipeline import Assistant

Q = "2022年海珠区预算执行率是多少"


def turns(*resolved: str) -> list[Turn]:
    return [Turn(q, q) for q in resolved]


def test_rules_replace_year_org_and_metric(assistant: Assistant) -> None:
    h = turns(Q)
    assert resolve(assistant, h, "那2021年呢？") == "2021年海珠区预算执行率是多少"
    assert resolve(assistant, h, "执行率呢？") == "2022年海珠区执行率是多少"
    assert resolve(assistant, h, "年初预算呢？") == "2022年海珠区年初预算是多少"
    assert resolve(assistant, h, "广州市应急管理局呢？") == "2022年广州市应急管理局预算执行率是多少"
    assert resolve(assistant, h, "和上年比呢？") == "2022年海珠区预算执行率较上年变化多少"
    assert resolve(assistant, h, "比上年增长了多少呢") == "2022年海珠区预算执行率较上年增长多少"
    assert resolve(assistant, [], "那2021年呢？") == "那2021年呢？"  # nothing to lean on
    assert resolve(assistant, h, "2020年广州市应急管理局预算执行率是多少") == "2020年广州市应急管理局预算执行率是多少"


def test_changes_against_last_year_or_a_named_year(assistant: Assistant) -> None:
    h = turns(Q)
    assert resolve(assistant, h, "同比呢？") == "2022年海珠区预算执行率较上年变化多少"
    assert resolve(assistant, h, "和去年相比怎么样") == "2022年海珠区预算执行率较上年变化多少"
    assert resolve(assistant, h, "上年相比呢") == "2022年海珠区预算执行率较上年变化多少"
    assert resolve(assistant, h, "和2021年比呢？") == "2022年海珠区预算执行率较2021年变化多少"
    assert assistant.parse("2022年海珠区预算执行率较2021年变化多少").op == "diff_years"  # read as computed
    assert vs_year("与去年相比如何", "2022年海珠区年初预算是多少") == "2022年海珠区年初预算较上年变化多少"
    assert vs_year("和上年的预算比呢", Q) is None
    assert vs_year("那2021年呢？", Q) is None
    assert vs_year("和上年比呢？", "2022年海珠区预算执行率较上年变化多少") == "2022年海珠区预算执行率较上年变化多少"


def test_years_counted_from_the_previous_question(assistant: Assistant) -> None:
    h = turns(Q)
    assert resolve(assistant, h, "那去年呢？") == "2021年海珠区预算执行率是多少"
    assert resolve(assistant, h, "上一年的年初预算呢？") == "2021年海珠区年初预算是多少"
    assert resolve(assistant, h, "前年呢") == "2020年海珠区预算执行率是多少"
    assert resolve(assistant, turns("海珠区预算执行率是多少"), "去年呢？") == "去年呢？"  # no year to count from


def test_rewriter_is_asked_only_when_the_rules_leave_a_follow_up_unchanged(assistant: Assistant) -> None:
    asked: list[tuple[list[Turn], str]] = []

    def rewriter(history: list[Turn], question: str) -> str | None:
        asked.append((history, question))
        return "2022年海珠区项目支出是多少"

    h = turns(Q)
    assert resolve(assistant, h, "那2021年呢？", rewriter) == "2021年海珠区预算执行率是多少"  # rules did it
    assert resolve(assistant, h, "主要问题是什么", rewriter) == "主要问题是什么"  # stands on its own
    assert asked == []
    assert leans_on_context("那个呢？")
    assert resolve(assistant, h, "那个呢？", rewriter) == "2022年海珠区项目支出是多少"  # never "…个是多少"
    assert resolve(assistant, h, "为什么呢？", rewriter) == "2022年海珠区项目支出是多少"
    assert asked == [(h, "那个呢？"), (h, "为什么呢？")]
    assert resolve(assistant, h, "那个呢？", lambda _h, _q: None) == "那个呢？"  # the model could not either
    assert resolve(assistant, h, "还有呢？") == "还有呢？"  # no model: kept as asked


def test_sessions_resolve_against_their_own_turns(assistant: Assistant) -> None:
    talks = Conversations(assistant.store)
    a, b = talks.new_id(), talks.new_id()
    talks.remember(a, Q, Q)
    talks.remember(b, "2020年广州市应急管理局年初预算是多少", "2020年广州市应急管理局年初预算是多少")
    assert talks.resolve(assistant, a, "那2021年呢？") == "2021年海珠区预算执行率是多少"
    assert talks.resolve(assistant, b, "执行率呢？") == "2020年广州市应急管理局执行率是多少"
    again = Conversations(assistant.store)  # another process or worker over the same store sees them
    assert again.history(a) == [Turn(Q, Q)]


def test_a_change_follow_up_is_answered_from_the_stated_change(assistant: Assistant) -> None:
    first = "2022年海珠区安全生产行政处罚金额是多少"
    assert assistant.ask(first).value is not None
    asked = resolve(assistant, turns(first), "和上年比呢？")
    assert asked == "2022年海珠区安全生产行政处罚金额较上年变化多少"
    answer = assistant.ask(asked)
    assert float(answer.value or 0) == 128 and "同比增长128%" in answer.citations[0].text
