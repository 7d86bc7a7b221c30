"""The optional LLM: a scripted OpenAI-compatible server on loopback stands in for the remote model."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from app.backends.llm import unsupported_figures
from app.backends.prompts import load_prompt
from app.pipeline import Assistant
from core.config import Settings

QUESTION = "2020年广州森林火灾应急处置实战演习在哪里举办"


class ScriptedLLM:
    """Answers every chat completion with the next scripted reply and records the prompts it got."""

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.prompts: list[list[dict[str, str]]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                script.prompts.append(body["messages"])
                reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": script.replies.pop(0)}}]}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    s = ScriptedLLM()
    yield s
    s.server.shutdown()


def _assistant(seeded_hash_dir: Path, url: str) -> Assistant:
    return Assistant(Settings(data_dir=seeded_hash_dir, embedder="hash", llm_url=url))


def test_faithful_phrasing_is_used_and_prompt_carries_evidence(seeded_hash_dir: Path, llm: ScriptedLLM) -> None:
    llm.replies.append("演习在增城区小楼镇举办。")
    ans = _assistant(seeded_hash_dir, llm.url).ask(QUESTION)
    assert ans.answer == "演习在增城区小楼镇举办。" and ans.route == "text+llm"
    user = llm.prompts[0][-1]["content"]
    assert QUESTION in user and "小楼镇" in user


def test_invented_figure_is_rejected(seeded_hash_dir: Path, llm: ScriptedLLM) -> None:
    llm.replies.append("演习在增城区小楼镇举办，共有350人参加。")
    ans = _assistant(seeded_hash_dir, llm.url).ask(QUESTION)
    assert "350" not in ans.answer and "小楼镇" in ans.answer and ans.route == "text"
    assert any("350" in w for w in ans.warnings)


def test_unreachable_llm_falls_back_to_the_quote(seeded_hash_dir: Path) -> None:
    ans = _assistant(seeded_hash_dir, "http://127.0.0.1:9/v1").ask(QUESTION)
    assert not ans.refused and "小楼镇" in ans.answer and ans.warnings


def test_unsupported_figures_compares_units() -> None:
    assert unsupported_figures("年初预算为2626.63万元", "2022年部门年初预算为2626.63万元") == []
    assert unsupported_figures("执行率为98.2%", "预算执行率为98.15%") == ["98.2%"]


def test_prompt_file_declares_its_variables() -> None:
    p = load_prompt("answer_text")
    assert set(p.variables) == {"question", "evidence"}
    with pytest.raises(Exception, match="evidence"):
        p.render(question="x")
