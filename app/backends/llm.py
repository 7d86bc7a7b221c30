"""Chat models behind one Protocol, looked up by id: an OpenAI-compatible server or a local GGUF model.

Langchain's chat-model layer stays inside the adapters (``app.backends.openai_chat``,
``app.backends.llamacpp_chat``); the rest of reportqa sends ``(role, text)`` messages and gets a ``Reply``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from core.config import Settings
from core.errors import LLMUnavailable, UnknownBackend

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessage

Messages = Sequence[tuple[str, str]]  # (role, text); role "system" | "human"/"user" | "ai"/"assistant"


@dataclass(frozen=True)
class Reply:
    """One reply of a chat model, with what it cost."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


@dataclass
class ChatStats:
    """What a chat model did since it was made (the eval reports seconds per answer and tokens/s from it)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, r: Reply) -> None:
        with self._lock:
            self.calls += 1
            self.prompt_tokens += r.prompt_tokens
            self.completion_tokens += r.completion_tokens
            self.seconds += r.seconds

    @property
    def tokens_per_second(self) -> float | None:
        """Generated tokens per second of model time (prompt reading included), None before any call."""
        return self.completion_tokens / self.seconds if self.seconds > 0 and self.completion_tokens else None

    def as_dict(self) -> dict[str, Any]:
        tps = self.tokens_per_second
        return {"calls": self.calls, "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "seconds": round(self.seconds, 2), "tokens_per_second": round(tps, 2) if tps else None}


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: messages in, one reply out (temperature 0)."""

    model_id: str
    stats: ChatStats

    def chat(self, messages: Messages, *, max_tokens: int | None = None) -> Reply:
        """The model's reply. Raises LLMUnavailable when the model cannot be reached or loaded."""
        ...

    def stream(self, messages: Messages, *, max_tokens: int | None = None) -> Iterator[str]:
        """The reply as it is generated, piece by piece."""
        ...


def to_langchain(messages: Messages) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds: dict[str, type[BaseMessage]] = {"system": SystemMessage, "human": HumanMessage, "user": HumanMessage,
                                           "ai": AIMessage, "assistant": AIMessage}
    out = []
    for role, text in messages:
        if role not in kinds:
            raise ValueError(f"message role {role!r}; known: {', '.join(kinds)}")
        out.append(kinds[role](content=text))
    return out


class LangchainChat:
    """A ``ChatModel`` over a langchain chat model (what both adapters are)."""

    def __init__(self, model: BaseChatModel, model_id: str, where: str) -> None:
        self.lc, self.model_id, self.where = model, model_id, where
        self.stats = ChatStats()

    def chat(self, messages: Messages, *, max_tokens: int | None = None) -> Reply:
        kw: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
        t0 = time.perf_counter()
        try:
            msg = self.lc.invoke(to_langchain(messages), **kw)
        except LLMUnavailable:
            raise
        except Exception as e:  # the model's edge: any failure means "no model", never a crash
            raise LLMUnavailable(f"the chat model {self.model_id} at {self.where} failed: {e}") from e
        usage: dict[str, Any] = dict(getattr(msg, "usage_metadata", None) or {})
        reply = Reply(str(msg.content or "").strip(), int(usage.get("input_tokens", 0)),
                      int(usage.get("output_tokens", 0)), time.perf_counter() - t0)
        self.stats.add(reply)
        return reply

    def stream(self, messages: Messages, *, max_tokens: int | None = None) -> Iterator[str]:
        kw: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
        try:
            for chunk in self.lc.stream(to_langchain(messages), **kw):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as e:
            raise LLMUnavailable(f"the chat model {self.model_id} at {self.where} failed: {e}") from e


def _openai(s: Settings) -> ChatModel:
    from app.backends.openai_chat import openai_chat

    return openai_chat(s)


def _local(s: Settings) -> ChatModel:
    from app.backends.llamacpp_chat import local_chat

    return local_chat(s)


CHAT_MODELS: dict[str, Callable[[Settings], ChatModel]] = {"openai": _openai, "local": _local}


def chat_backend(s: Settings) -> str | None:
    """Which chat model the settings ask for: ``llm``, or "openai" when only ``llm_url`` is set; None: no model."""
    if s.llm:
        return s.llm
    return "openai" if s.llm_url else None


def make_chat_model(s: Settings) -> ChatModel | None:
    """The configured chat model (None when none is configured). Nothing heavy is loaded until it is asked."""
    name = chat_backend(s)
    if name is None:
        return None
    if name not in CHAT_MODELS:
        raise UnknownBackend(f"chat model {name!r}; known: {', '.join(CHAT_MODELS)} (REPORTQA_LLM)")
    return CHAT_MODELS[name](s)
