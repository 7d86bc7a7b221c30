"""A chat model at an OpenAI-compatible address (vLLM, Ollama, llama.cpp's server, a hosted API) through
langchain's ``ChatOpenAI``."""

from __future__ import annotations

from app.backends.llm import LangchainChat
from core.config import Settings
from core.errors import LLMUnavailable


def openai_chat(s: Settings) -> LangchainChat:
    """``ChatOpenAI`` at ``s.llm_url`` with ``s.llm_model`` and ``s.llm_api_key``, temperature 0, no retries."""
    if not s.llm_url:
        raise LLMUnavailable("the chat model 'openai' needs an address: set REPORTQA_LLM_URL to an "
                             "OpenAI-compatible /v1 base URL")
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:
        raise LLMUnavailable("the chat model 'openai' needs langchain-openai: pip install -e '.[llm]'") from e
    from pydantic import SecretStr

    model = ChatOpenAI(base_url=s.llm_url, api_key=SecretStr(s.llm_api_key), model=s.llm_model, temperature=0,
                       max_retries=0, timeout=s.llm_timeout, max_tokens=s.llm_max_tokens,  # type: ignore[call-arg]
                       stream_usage=True)
    return LangchainChat(model, s.llm_model, s.llm_url)
