"""Limits before work: the key and the size are checked before a body is read; long questions and too many
messages are refused with 422; wrong keys are rate limited; short keys are refused; no server path in errors."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest

from app.pipeline import Assistant
from app.web.api import create_app, redact
from core.errors import ReportQAError
from tests.app.conftest import KEY, Live, _run

Q = "2022年海珠区预算执行率是多少"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="module")
def strict(assistant: Assistant) -> Iterator[Live]:
    """A server with keys and a 1 MB upload limit."""
    settings = assistant.settings.model_copy(update={"api_keys": KEY, "max_upload_mb": 1, "max_failed_keys": 50})
    yield from (Live(url, settings, assistant) for url in _run(create_app(settings, assistant, ui=False)))


def _head_only(url: str, path: str, length: int, headers: dict[str, str]) -> tuple[int, float]:
    """Send request headers announcing ``length`` body bytes and only 10 of them; the status and how long the
    answer took (a server that reads the body first never answers)."""
    u = urlparse(url)
    lines = [f"POST {path} HTTP/1.1", f"Host: {u.hostname}", f"Content-Length: {length}",
             "Content-Type: multipart/form-data; boundary=x", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    t = time.perf_counter()
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall("\r\n".join(lines).encode() + b"--x\r\n1234")
        reply = s.recv(4096).decode("latin-1")
    return int(reply.split()[1]), time.perf_counter() - t


def test_key_and_size_are_checked_before_the_body(strict: Live) -> None:
    status, took = _head_only(strict.url, "/api/documents", 800 << 20, {})
    assert status == 401 and took < 5
    status, took = _head_only(strict.url, "/api/documents", 800 << 20, AUTH)
    assert status == 413 and took < 5


def test_bodies_without_length_are_cut_at_the_limit(strict: Live) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        for _ in range(64):
            yield b"x" * (64 << 10)  # 4 MB in all, sent chunked (no Content-Length)

    r = httpx.post(f"{strict.url}/api/documents", content=chunks(), timeout=30,
                   headers={**AUTH, "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and r.json()["error"] == "too_large"


def test_json_bodies_questions_and_messages_are_bounded(strict: Live) -> None:
    big = httpx.post(f"{strict.url}/api/ask", json={"question": Q, "pad": "x" * (1 << 20)}, headers=AUTH, timeout=30)
    assert big.status_code == 413
    long_q = httpx.post(f"{strict.url}/api/ask", json={"question": "预算" * 600}, headers=AUTH, timeout=30)
    assert long_q.status_code == 422
    url = f"{strict.url}/v1/chat/completions"
    many = httpx.post(url, json={"model": "reportqa", "messages": [{"role": "user", "content": "q"}] * 5000},
                      headers=AUTH, timeout=30)
    assert many.status_code == 422 and "message" in many.json()["error"]
    wide = httpx.post(url, json={"model": "reportqa", "messages": [{"role": "user", "content": "问" * 20000}]},
                      headers=AUTH, timeout=30)
    assert wide.status_code == 422
    question = httpx.post(url, json={"model": "reportqa", "messages": [{"role": "user", "content": "问" * 1500}]},
                          headers=AUTH, timeout=30)
    assert question.status_code == 422, question.text[:200]


def test_wrong_keys_are_rate_limited(assistant: Assistant) -> None:
    settings = assistant.settings.model_copy(update={"api_keys": KEY, "max_failed_keys": 3})
    for base in _run(create_app(settings, assistant, ui=False)):
        url = f"{base}/api/documents"
        assert httpx.get(url, headers=AUTH).status_code == 200
        codes = [httpx.get(url, headers={"Authorization": f"Bearer wrong-{i}"}).status_code for i in range(3)]
        assert codes == [401, 401, 401]
        r = httpx.get(url, headers=AUTH)  # even the right key waits: this address guessed too often
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert httpx.get(f"{base}/api/health").status_code == 200


def test_short_keys_are_refused(assistant: Assistant) -> None:
    with pytest.raises(ReportQAError, match="shorter than 16"):
        create_app(assistant.settings.model_copy(update={"api_keys": "secret"}), assistant, ui=False)


def test_errors_do_not_show_server_paths(assistant: Assistant) -> None:
    settings = assistant.settings
    inside = settings.data_dir.resolve() / "uploads" / "x.txt"
    shown = redact(f"{inside}: the file is empty", settings)
    assert shown == "uploads/x.txt: the file is empty" and str(settings.data_dir.resolve()) not in shown
    assert json.dumps(redact("see /docs and GET /api/documents", settings)) == '"see /docs and GET /api/documents"'
