"""The chat model as the follow-up rewriter, against a scripted loopback OpenAI-compatible server: asked only when
the rules leave a follow-up unchanged, its rewrite used only when it brings in no number nobody said."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.conversation import Conversations, Turn, resolve, rewriter_for
from app.followup_model import ModelRewriter, checked
from app.pipeline import Assistant
from core.config import Settings
from tests.openai_loopback import LoopbackChat, serve

Q = "2022年海珠区预算执行率是多少"


@pytest.fixture()
def server() -> Iterator[LoopbackChat]:
    yield from serve()


def _rewriter(server: LoopbackChat) -> ModelRewriter:
    r = rewriter_for(Settings(llm_url=server.url, llm_model="scripted"))
    assert isinstance(r, ModelRewriter)
    return r


def test_no_model_configured_means_rules_only() -> None:
    assert rewriter_for(Settings()) is None


def test_the_model_rewrites_what_the_rules_leave(assistant: Assistant, server: LoopbackChat) -> None:
    server.script = lambda m: "改写后的问题：2022年海珠区项目支出是多少\n（补全了单位和年份）"
    h = [Turn(Q, Q)]
    assert resolve(assistant, h, "那个呢？", _rewriter(server)) == "2022年海珠区项目支出是多少"
    assert "2022年海珠区预算执行率是多少" in server.requests[-1]["messages"][-1]["content"]
    before = len(server.requests)
    assert resolve(assistant, h, "那2021年呢？", _rewriter(server)) == "2021年海珠区预算执行率是多少"
    assert resolve(assistant, h, "那个项目支出呢？", _rewriter(server)) == "2022年海珠区项目支出是多少"
    assert len(server.requests) == before  # the rules did these: the model is not asked


@pytest.mark.parametrize("reply", [
    "2023年海珠区项目支出是多少",  # a year nobody said
    "海珠区项目支出是546.49万元吗",  # a figure brought in
    "",  # nothing
    "资料中未找到",
])
def test_a_rewrite_that_brings_in_a_number_or_says_nothing_is_dropped(assistant: Assistant, server: LoopbackChat,
                                                                      reply: str) -> None:
    server.script = lambda m: reply
    assert resolve(assistant, [Turn(Q, Q)], "那个呢？", _rewriter(server)) == "那个呢？"


def test_an_unreachable_model_leaves_the_question_as_asked(assistant: Assistant) -> None:
    gone = LoopbackChat()
    r = _rewriter(gone)
    gone.close()
    assert resolve(assistant, [Turn(Q, Q)], "那个呢？", r) == "那个呢？"


def test_sessions_use_the_configured_model(tmp_path: object, server: LoopbackChat) -> None:
    from pathlib import Path

    from tests.conftest import SAMPLES

    server.script = lambda m: "2022年海珠区项目支出是多少"
    a = Assistant(Settings(data_dir=Path(str(tmp_path)) / "data", embedder="hash", llm_url=server.url,
                           llm_model="scripted"))
    a.ingest([SAMPLES / "001_097af92d10472f3b.txt"])
    talks = Conversations.for_assistant(a)
    sid = talks.new_id()
    talks.remember(sid, Q, Q)
    assert talks.resolve(a, sid, "那个呢？") == "2022年海珠区项目支出是多少"
    a.close()


def test_checked_keeps_a_plain_question() -> None:
    assert checked("“2022年海珠区年初预算是多少”", "2022年海珠区预算执行率是多少\n年初预算呢") == "2022年海珠区年初预算是多少"
    assert checked("x" * 500, "短") is None
