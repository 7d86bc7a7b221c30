"""Chat models behind the ChatModel Protocol: the OpenAI-compatible adapter against a scripted server on loopback
(real HTTP, real ChatOpenAI), the factory's errors, and the local adapter's errors when its model is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.backends.llm import CHAT_MODELS, ChatModel, make_chat_model
from app.backends.prompts import load_prompt
from app.pipeline import Assistant
from core.config import Settings
from core.errors import LLMUnavailable, UnknownBackend
from tests.openai_loopback import LoopbackChat

QUESTION = "海珠区应急管理局2022年存在的主要问题是什么"


@pytest.fixture
def server() -> Iterator[LoopbackChat]:
    s = LoopbackChat()
    yield s
    s.close()


def test_openai_adapter_sends_roles_and_reports_usage(server: LoopbackChat) -> None:
    server.script = lambda m: "  资料中未找到。 "
    model = make_chat_model(Settings(llm_url=server.url, llm_model="qwen-test", llm_api_key="k"))
    assert model is not None and isinstance(model, ChatModel)
    reply = model.chat([("system", "规则"), ("human", "问题")], max_tokens=50)
    assert reply.text == "资料中未找到。" and reply.completion_tokens == len("  资料中未找到。 ")
    body = server.requests[-1]
    assert [m["role"] for m in body["messages"]] == ["system", "user"] and body["model"] == "qwen-test"
    assert body["temperature"] == 0 and body["max_completion_tokens"] == 50
    assert model.stats.calls == 1 and model.stats.tokens_per_second


def test_openai_adapter_streams(server: LoopbackChat) -> None:
    server.script = lambda m: "预算执行率为98.15%[1]。"
    model = make_chat_model(Settings(llm_url=server.url))
    assert model is not None
    pieces = list(model.stream([("human", "问题")]))
    assert len(pieces) > 1 and "".join(pieces) == "预算执行率为98.15%[1]。"


def test_no_model_configured_means_extractive_only() -> None:
    assert make_chat_model(Settings()) is None


def test_unknown_backend_names_the_known_ones() -> None:
    with pytest.raises(UnknownBackend, match="known: " + ", ".join(CHAT_MODELS)):
        make_chat_model(Settings(llm="gpt-9"))


def test_openai_without_an_address_says_what_to_set() -> None:
    with pytest.raises(LLMUnavailable, match="REPORTQA_LLM_URL"):
        make_chat_model(Settings(llm="openai"))


def test_unreachable_server_is_llm_unavailable() -> None:
    model = make_chat_model(Settings(llm_url="http://127.0.0.1:9/v1", llm_timeout=5))
    assert model is not None
    with pytest.raises(LLMUnavailable, match="127.0.0.1:9"):
        model.chat([("human", "问题")])


def test_local_model_missing_says_how_to_install(tmp_path: Path) -> None:
    model = make_chat_model(Settings(llm="local", llm_gguf=tmp_path / "absent.gguf"))
    assert model is not None and model.model_id == "absent.gguf"
    with pytest.raises(LLMUnavailable, match=r"reportqa setup --llm"):
        model.chat([("human", "问题")])


def test_unreachable_model_leaves_the_extractive_answer(seeded_hash_dir: Path) -> None:
    """An open-ended question goes to the model; when it cannot be reached the quote stays, with a note."""
    plain = Assistant(Settings(data_dir=seeded_hash_dir, embedder="hash")).ask(QUESTION)
    a = Assistant(Settings(data_dir=seeded_hash_dir, embedder="hash", llm_url="http://127.0.0.1:9/v1", llm_timeout=5))
    ans = a.ask(QUESTION)
    assert ans.answer == plain.answer and ans.route == plain.route
    assert any("模型不可用" in w for w in ans.warnings)


def test_read_prompt_declares_its_variables() -> None:
    p = load_prompt("read_sources")
    assert set(p.variables) == {"question", "sources"}
    msgs = p.render(question="问", sources="<资料 编号=\"1\">\n原文{不是变量}\n</资料>")
    assert msgs[0][0] == "system" and "原文{不是变量}" in msgs[1][1]
