"""A local GGUF chat model through llama-cpp-python (the ``[llm]`` extra, built by ``scripts/setup_llm.sh``),
as a small langchain ``BaseChatModel`` over ``Llama.create_chat_completion``.

The model is loaded once per process, on first use; llama.cpp contexts are not thread-safe, so one reply
is generated at a time.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from app.backends.llm import LangchainChat
from core.config import Settings
from core.errors import LLMUnavailable

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
INSTALL = "run `reportqa setup --llm` (or `bash scripts/setup_llm.sh`)"
_LOADED: dict[tuple[str, int, int], Any] = {}
_LOAD = threading.Lock()
_RUN = threading.Lock()


def gguf_path(s: Settings) -> Path:
    """Where the local model file is (``REPORTQA_LLM_GGUF``, else the models folder)."""
    return s.llm_gguf or s.models_dir / GGUF_NAME


def load_llama(path: Path, n_ctx: int, n_threads: int) -> Any:
    """The ``llama_cpp.Llama`` for a GGUF file, loaded once per process."""
    key = (str(path), n_ctx, n_threads)
    with _LOAD:
        if key not in _LOADED:
            try:
                from llama_cpp import Llama
            except ImportError as e:
                raise LLMUnavailable("the local chat model needs llama-cpp-python 0.3.36 (the [llm] extra, built "
                                     f"for this CPU): {INSTALL}") from e
            if not path.is_file():
                raise LLMUnavailable(f"the local chat model file {path} is missing: {INSTALL}")
            if not _LOADED:
                atexit.register(_close_all)
            _LOADED[key] = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        return _LOADED[key]


def _close_all() -> None:
    """Free the loaded models while the interpreter still works (left to garbage collection at exit, llama_cpp's
    own clean-up fails with a TypeError once its module is torn down)."""
    with _LOAD:
        while _LOADED:
            _LOADED.popitem()[1].close()


def _role(m: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(m.type, m.type)


class LlamaCppChatModel(BaseChatModel):
    """``Llama.create_chat_completion`` as a langchain chat model (temperature 0 unless set)."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 320
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-python"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature}

    def _call_args(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"messages": [{"role": _role(m), "content": str(m.content)} for m in messages],
                "temperature": self.temperature, "max_tokens": kwargs.get("max_tokens") or self.max_tokens,
                "stop": stop or []}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        llama = load_llama(Path(self.model_path), self.n_ctx, self.n_threads)
        with _RUN:
            out = llama.create_chat_completion(**self._call_args(messages, stop, kwargs))
        text = out["choices"][0]["message"].get("content") or ""
        usage = out.get("usage") or {}
        n_in, n_out = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        msg = AIMessage(content=text, usage_metadata={"input_tokens": n_in, "output_tokens": n_out,
                                                      "total_tokens": n_in + n_out})
        return ChatResult(generations=[ChatGeneration(message=msg)])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        llama = load_llama(Path(self.model_path), self.n_ctx, self.n_threads)
        with _RUN:
            for part in llama.create_chat_completion(stream=True, **self._call_args(messages, stop, kwargs)):
                piece = part["choices"][0].get("delta", {}).get("content") or ""
                if piece:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                    if run_manager:
                        run_manager.on_llm_new_token(piece, chunk=chunk)
                    yield chunk


def local_chat(s: Settings) -> LangchainChat:
    """The local GGUF model as a ``ChatModel`` (loaded on the first reply, not here)."""
    path = gguf_path(s)
    threads = s.llm_threads or os.cpu_count() or 2
    model = LlamaCppChatModel(model_path=str(path), n_ctx=s.llm_ctx, n_threads=threads, max_tokens=s.llm_max_tokens)
    return LangchainChat(model, path.name, str(path))
