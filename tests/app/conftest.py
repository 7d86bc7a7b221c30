"""Live servers on loopback over a real Assistant whose data dir holds the two sample reports."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from app.pipeline import Assistant  # noqa: E402
from core.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
ARTIFACTS = ROOT / "tests" / "artifacts"
KEY = "test-key-0123456789"


@dataclass
class Live:
    """A running server: its base URL, settings and the Assistant behind it."""

    url: str
    settings: Settings
    assistant: Assistant


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """One Assistant (hash embedder, fast) with both sample reports ingested, shared by the app tests."""
    data = tmp_path_factory.mktemp("data")
    a = Assistant(Settings(data_dir=data, embedder="hash", api_keys="", allow_open=False))
    results = a.ingest(sorted(SAMPLES.glob("*.txt")))
    assert [r.status for r in results] == ["added", "added"], results
    yield a
    a.close()


def _run(app: object) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",  # type: ignore[arg-type]
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live(assistant: Assistant) -> Iterator[Live]:
    """The API without keys (and without the web chat, which the browser test mounts itself)."""
    from app.web.api import create_app

    settings = assistant.settings
    yield from (Live(url, settings, assistant) for url in _run(create_app(settings, assistant, ui=False)))


@pytest.fixture(scope="session")
def live_auth(assistant: Assistant) -> Iterator[Live]:
    """The same Assistant behind a server that requires the API key ``KEY``."""
    from app.web.api import create_app

    settings = assistant.settings.model_copy(update={"api_keys": f"other-key-0123456789,{KEY}"})
    yield from (Live(url, settings, assistant) for url in _run(create_app(settings, assistant, ui=False)))


@pytest.fixture(scope="session")
def live_ui(assistant: Assistant) -> Iterator[Live]:
    """API and web chat on one server, as `reportqa serve` runs them."""
    from app.web.api import create_app

    settings = assistant.settings
    yield from (Live(url, settings, assistant) for url in _run(create_app(settings, assistant, ui=True)))


def report_text(org: str, year: int, rate: str, budget: str) -> str:
    """A small self-assessment report in the genre's layout, for upload tests."""
    return f"""# {year}年度{org}部门整体支出绩效自评报告

## 一、基本情况

### （一）部门概况

{org}主要负责本区财政预算管理、国库集中支付和政府采购监督管理等工作。

### （二）部门整体支出情况

{year}年部门年初预算为{budget}万元，全年预算数为{budget}万元。

## 二、综合评价分析

### （一）自评结论综述

{year}年{org}全年执行数占预算数的比例较高，预算执行率为{rate}%，部门整体支出绩效自评得分为95分，等级为“优”。

## 三、存在问题和改进措施

部分项目前期论证不够充分，下一步将加强预算绩效目标管理。
"""
