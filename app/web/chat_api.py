"""OpenAI-compatible routes (/v1/models, /v1/chat/completions) so standard chat clients can ask reportqa."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.conversation import resolve
from app.web.deps import AssistantDep, ConversationsDep, resolve_followups
from app.web.schemas import ANSWER_EXAMPLE, QUESTION, CitationOut
from core.answer import Answer
from core.errors import BadInput, ReportQAError, TooLong

log = logging.getLogger(__name__)
MODEL_ID = "reportqa"
MAX_MESSAGES = 50  # messages in one request
MAX_CONTENT = 4000  # characters of text in one message
MAX_QUESTION = 1000  # characters of the question (the last user message), as /api/ask allows

router = APIRouter(prefix="/v1", tags=["openai"])


class ChatMessage(BaseModel):
    """One message; ``content`` may be a string or a list of ``{"type": "text", "text": ...}`` parts."""

    role: str = Field(max_length=50)
    content: str | list[dict[str, Any]] | None = Field(default=None, max_length=MAX_CONTENT)
    model_config = ConfigDict(extra="allow")

    @field_validator("content")
    @classmethod
    def _bounded(cls, v: str | list[dict[str, Any]] | None) -> str | list[dict[str, Any]] | None:
        if isinstance(v, list) and sum(len(str(p.get("text", ""))) for p in v) > MAX_CONTENT:
            raise ValueError(f"a message may hold at most {MAX_CONTENT} characters of text")
        return v


class ChatCompletionRequest(BaseModel):
    """The OpenAI request body; sampling parameters are accepted and ignored (answers are extractive).

    Extra fields ``org`` and ``year`` (``extra_body`` in the openai client) restrict the search.
    """

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    org: str | None = None
    year: int | None = Field(default=None, ge=1949, le=2200)
    session_id: str | None = Field(default=None, max_length=100, description="optional conversation id: "
                                   "follow-ups are resolved against the session's earlier questions, kept server-side")
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}]},
        {"model": MODEL_ID, "stream": True, "messages": [
            {"role": "user", "content": QUESTION}, {"role": "assistant", "content": "…"},
            {"role": "user", "content": "那2021年呢？"}]}]})


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: str = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletionOut(BaseModel):
    """The OpenAI response plus ``citations`` (structured sources) and ``reportqa`` (the full answer object)."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[CitationOut]
    reportqa: dict[str, Any]
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "chatcmpl-0f1e2d3c4b5a69788796a5b4c3d2e1f0", "object": "chat.completion", "created": 1714550400,
        "model": MODEL_ID, "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": ANSWER_EXAMPLE["answer"] + "\n\n来源：\n[1] 001_097af92d10472f3b.txt"
            " · 二、综合评价分析 > （一）自评结论综述：「预算执行率为98.15%」"}}],
        "usage": {"prompt_tokens": 14, "completion_tokens": 80, "total_tokens": 94},
        "citations": ANSWER_EXAMPLE["citations"], "reportqa": ANSWER_EXAMPLE}]})


def message_text(msg: ChatMessage) -> str:
    """The text of a message, joining text parts of a multi-part content."""
    if msg.content is None:
        return ""
    if isinstance(msg.content, str):
        return msg.content
    return "".join(str(p.get("text", "")) for p in msg.content if p.get("type", "text") == "text")


def user_questions(messages: list[ChatMessage]) -> list[str]:
    """The non-empty user turns, oldest first; the last one must be the last message."""
    if messages[-1].role != "user" or not message_text(messages[-1]).strip():
        raise BadInput(f"the last message must be a non-empty user message (the question); got role "
                       f"{messages[-1].role!r}. Put the question in {{'role': 'user', 'content': ...}} at the end")
    if len(message_text(messages[-1]).strip()) > MAX_QUESTION:
        raise TooLong(f"the question (the last user message) has {len(message_text(messages[-1]).strip())} "
                      f"characters; at most {MAX_QUESTION}")
    return [t.strip() for m in messages if m.role == "user" and (t := message_text(m)).strip()]


def reply_text(answer: Answer) -> str:
    """Answer text, a warning line per warning, then a numbered "来源" list of document, section and quote."""
    parts = [answer.answer]
    if answer.formula:
        parts.append(f"计算：{answer.formula}")
    parts += [f"注意：{w}" for w in answer.warnings]
    text = "\n".join(parts)
    if answer.citations:
        lines = [f"[{i}] {c.where}：「{c.text}」"
                 for i, c in enumerate(answer.citations, 1)]
        text += "\n\n来源：\n" + "\n".join(lines)
    return text


STOPS = "，。；：、,;:！？!?\n"
PIECE = re.compile(rf"[^{STOPS}]{{0,12}}[{STOPS}]|[^{STOPS}]{{1,12}}")


def _pieces(answer: Answer) -> Iterator[str]:
    """The reply for streaming: the answer text in clause-sized pieces (at most 12 characters before a stop),
    then the formula, warning and source lines one by one."""
    yield from PIECE.findall(answer.answer)
    rest = reply_text(answer)[len(answer.answer):]
    yield from rest.splitlines(keepends=True)


def _usage(question: str, content: str) -> Usage:
    """Characters as a stand-in for tokens (there is no tokenizer behind the answers)."""
    return Usage(prompt_tokens=len(question), completion_tokens=len(content),
                 total_tokens=len(question) + len(content))


def _citations(answer: Answer) -> list[CitationOut]:
    return [CitationOut.model_validate(c, from_attributes=True) for c in answer.citations]


def _sse(obj: dict[str, Any]) -> str:
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"


@router.get("/models", summary="List the one model, 'reportqa'")
def list_models() -> dict[str, Any]:
    """OpenAI ``GET /v1/models``."""
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "reportqa"}]}


@router.post("/chat/completions", response_model=ChatCompletionOut, summary="Ask, OpenAI style",
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "JSON, or with stream=true server-sent events ending in [DONE]"}})
async def chat_completions(req: ChatCompletionRequest, assistant: AssistantDep,
                           conversations: ConversationsDep) -> Any:
    """The last user message is the question; earlier user messages resolve follow-ups ("那2021年呢？").

    The reply content is the answer text plus a "来源" (sources) list; the structured citations are in
    the extra top-level field ``citations`` (and in the last streamed chunk, next to ``finish_reason``).
    """
    questions = user_questions(req.messages)

    def answer() -> Answer:
        if not req.session_id:
            question = resolve_followups(assistant, questions, conversations.rewriter)
            return assistant.ask(question, org=req.org, year=req.year)
        history = conversations.history(req.session_id)  # kept turns first; else the request's earlier turns
        question = (resolve(assistant, history, questions[-1], conversations.rewriter) if history
                    else resolve_followups(assistant, questions, conversations.rewriter))
        ans = assistant.ask(question, org=req.org, year=req.year)
        conversations.remember(req.session_id, questions[-1], question)
        return ans

    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if not req.stream:
        ans = await run_in_threadpool(answer)
        content = reply_text(ans)
        return ChatCompletionOut(id=cid, created=created, model=MODEL_ID,
                                 choices=[Choice(message=CompletionMessage(content=content))],
                                 usage=_usage(questions[-1], content), citations=_citations(ans),
                                 reportqa=ans.to_dict())
    head = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}

    def events() -> Iterator[str]:  # run in a worker thread by StreamingResponse: the stream opens at once
        yield _sse({**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                         "finish_reason": None}]})
        try:
            ans = answer()
        except Exception as exc:  # noqa: BLE001 - the stream has begun: the error goes in it, as OpenAI sends one
            from app.web.api import redact  # (api imports this module)

            code = exc.code if isinstance(exc, ReportQAError) else "internal"
            if code == "internal":
                log.exception("answer failed while streaming")
            message = redact(str(exc) if code != "internal" else f"unexpected {type(exc).__name__}: {exc}",
                             assistant.settings)
            yield _sse({"error": {"message": message, "type": code, "code": code}})
            yield "data: [DONE]\n\n"
            return
        for piece in _pieces(ans):
            yield _sse({**head, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        usage = _usage(questions[-1], reply_text(ans))
        yield _sse({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    "citations": [c.model_dump() for c in _citations(ans)], "reportqa": ans.to_dict(),
                    "usage": usage.model_dump()})
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
