"""The MCP server through the SDK's own client: stdio (spawning `reportqa mcp`) and streamable HTTP on loopback."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from app.pipeline import Assistant
from tests.app.conftest import _run

Q = "2022年海珠区预算执行率是多少"
HAIZHU = "001_097af92d10472f3b.txt"
TOOLS = {"ask", "lookup_figure", "list_documents", "explain"}


def reportqa_command() -> str:
    exe = Path(sys.executable).with_name("reportqa")
    assert exe.exists(), f"the reportqa console script is missing next to {sys.executable}: pip install -e ."
    return str(exe)


def assert_cited_98_15(result: Any) -> None:
    assert not result.is_error, result.content
    out = result.structured_content
    assert out["value"] == 98.15 and out["unit"] == "%" and out["refused"] is False
    cite = out["citations"][0]
    assert cite["doc"] == HAIZHU and "98.15%" in cite["quote"] and cite["page"] == 1
    assert "98.15%" in out["text"] and HAIZHU in out["text"]  # the text a model reads carries the source too


@pytest.mark.slow
def test_stdio_client_spawns_reportqa_mcp_and_gets_a_cited_answer(e5_assistant: Assistant) -> None:
    """The real pipeline as shipped: e5 embedder, `reportqa mcp` started by the SDK's stdio client."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    settings = e5_assistant.settings
    env = {"REPORTQA_MODELS_PATH": str(settings.models_dir), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "REPORTQA_EMBEDDER": "e5-small"}
    params = StdioServerParameters(command=reportqa_command(), env=env, cwd=os.getcwd(),
                                   args=["--data-dir", str(settings.data_dir), "mcp"])

    async def talk() -> None:
        async with Client(params, read_timeout_seconds=120) as client:
            assert {t.name for t in (await client.list_tools()).tools} >= TOOLS
            assert_cited_98_15(await client.call_tool("ask", {"question": Q}))
            docs = (await client.call_tool("list_documents", {})).structured_content["documents"]
            assert {d["name"] for d in docs} == {HAIZHU, "000_817fa173afb523db.txt"}

    anyio.run(talk)


def test_streamable_http_client_tools_and_followups(assistant: Assistant) -> None:
    from mcp import Client

    from app.conversation import Conversations
    from app.integrations.mcp_server import HTTP_PATH, http_app

    app = http_app(assistant.settings, assistant, Conversations(assistant.store))

    async def talk(url: str) -> None:
        async with Client(url + HTTP_PATH) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) >= TOOLS and "question" in tools["ask"].input_schema["properties"]
            assert_cited_98_15(await client.call_tool("ask", {"question": Q}))
            assert_cited_98_15(await client.call_tool("lookup_figure", {"metric": "预算执行率", "org": "海珠区",
                                                                        "year": 2022}))
            first = await client.call_tool("ask", {"question": Q, "session_id": "mcp-s1"})
            assert first.structured_content["value"] == 98.15
            then = (await client.call_tool("ask", {"question": "那2021年呢？", "session_id": "mcp-s1"}))
            out = then.structured_content
            assert out["resolved_question"] == "2021年海珠区预算执行率是多少" and out["refused"] is True
            assert out["citations"] == [] and out["value"] is None
            why = (await client.call_tool("explain", {"question": Q})).structured_content
            assert why["candidates"] and not why["refused"]

    for url in _run(app):
        anyio.run(talk, url)


def test_http_requires_a_key_when_keys_are_configured(assistant: Assistant) -> None:
    import httpx

    from app.integrations.mcp_server import HTTP_PATH, http_app

    key = "mcp-test-key-0123456789"
    settings = assistant.settings.model_copy(update={"api_keys": key})
    for url in _run(http_app(settings, assistant)):
        r = httpx.post(url + HTTP_PATH, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
