"""When the model is asked: open-ended questions and refusals with support go to it, confident answers and
questions nothing supports do not (a scripted chat server on loopback stands in for the model)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pipeline import Assistant
from app.reader.reader import open_ended
from core.config import Settings
from tests.openai_loopback import LoopbackChat, source_with


@pytest.fixture
def server() -> Iterator[LoopbackChat]:
    s = LoopbackChat()
    yield s
    s.close()


def _assistant(d: Path, server: LoopbackChat) -> Assistant:
    return Assistant(Settings(data_dir=d, embedder="hash", llm_url=server.url, llm_model="scripted"))


@pytest.mark.parametrize("question", ["介绍一下海珠区应急管理局2022年存在的主要问题",
                                      "海珠区应急管理局2022年存在的主要问题是什么"])
def test_open_ended_question_is_read_by_the_model(seeded_hash_dir: Path, server: LoopbackChat, question: str) -> None:
    assert open_ended(question)
    server.script = lambda m: ("主要问题是预算执行水平有待进一步提升，绩效运行监控工作不够深入全面"
                               f"[{source_with(m, '预算执行水平有待进一步提升')}]。")
    ans = _assistant(seeded_hash_dir, server).ask(question)
    assert len(server.requests) == 1 and ans.route == "llm", ans.warnings
    assert ans.answer.endswith("[1]。") and ans.citations[0].doc.startswith("001_")
    assert "预算执行水平有待进一步提升" in ans.citations[0].context


def test_confident_figure_answer_does_not_ask_the_model(seeded_hash_dir: Path, server: LoopbackChat) -> None:
    ans = _assistant(seeded_hash_dir, server).ask("2022年海珠区预算执行率是多少")
    assert ans.route == "scored" and "98.15%" in ans.answer and not server.requests


def test_extractive_config_never_asks(seeded_hash_dir: Path, server: LoopbackChat) -> None:
    a = Assistant(Settings(data_dir=seeded_hash_dir, embedder="hash", llm_url=server.url), config="extractive")
    a.ask("介绍一下海珠区应急管理局2022年存在的主要问题")
    assert a.reader is None and not server.requests


def test_model_declining_keeps_the_extractive_answer(seeded_hash_dir: Path, server: LoopbackChat) -> None:
    question = "海珠区应急管理局2022年存在的主要问题是什么"
    plain = Assistant(Settings(data_dir=seeded_hash_dir, embedder="hash")).ask(question)
    server.script = lambda m: "资料中未找到。"
    ans = _assistant(seeded_hash_dir, server).ask(question)
    assert ans.answer == plain.answer and any("不能回答" in w for w in ans.warnings)


def test_model_only_config_reads_top_chunks_unchecked(seeded_hash_dir: Path, server: LoopbackChat) -> None:
    server.script = lambda m: f"预算执行率为98.2%[{source_with(m, '98.15%')}]。"
    a = Assistant(Settings(data_dir=seeded_hash_dir, embedder="hash", llm_url=server.url), config="llm-only")
    ans = a.ask("2022年海珠区预算执行率是多少")
    assert ans.route == "llm-only" and "98.2%" in ans.answer  # the peers' design: no guard-based refusal
    assert any("98.2%" in w for w in ans.warnings) and server.requests[-1]["messages"][1]["content"].count("<资料 ") == 3
