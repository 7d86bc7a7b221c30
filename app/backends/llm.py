"""Optional LLM phrasing of text answers through any OpenAI-compatible server, guarded against new figures."""

from __future__ import annotations

import logging
from typing import Any

from app.backends.prompts import load_prompt
from core.answer import Answer
from core.config import Settings
from core.errors import LLMUnavailable

log = logging.getLogger(__name__)


def unsupported_figures(text: str, evidence: str) -> list[str]:
    """Figures stated in ``text`` that the evidence does not contain (compared after unit normalisation)."""
    from ingest.numbers import find_quantities

    have = {(q.base_value.normalize(), q.kind) for q in find_quantities(evidence)}
    have_values = {q.value.normalize() for q in find_quantities(evidence)}
    bad = []
    for q in find_quantities(text):
        if (q.base_value.normalize(), q.kind) not in have and q.value.normalize() not in have_values:
            bad.append(q.text)
    return bad


class ChatLLM:
    """A chat model at ``settings.llm_url`` (OpenAI-compatible: llama.cpp server, vLLM, a hosted API)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_url:
            raise LLMUnavailable("no LLM configured: set REPORTQA_LLM_URL to an OpenAI-compatible /v1 address")
        try:
            from openai import OpenAI
        except ImportError as e:
            raise LLMUnavailable("the LLM needs the openai package: pip install -e '.[llm]'") from e
        self.client = OpenAI(base_url=settings.llm_url, api_key=settings.llm_api_key, timeout=60, max_retries=0)
        self.model = settings.llm_model
        self.prompt = load_prompt("answer_text")

    def complete(self, messages: list[tuple[str, str]]) -> str:
        role = {"human": "user", "ai": "assistant"}
        payload: Any = [{"role": role.get(r, r), "content": c} for r, c in messages]
        try:
            resp = self.client.chat.completions.create(model=self.model, messages=payload, temperature=0)
        except Exception as e:  # network edge: any failure means "no LLM", never a crash
            raise LLMUnavailable(f"the LLM at {self.client.base_url} failed: {e}") from e
        return (resp.choices[0].message.content or "").strip()

    def phrase(self, ans: Answer) -> Answer:
        """Rephrase an extractive text answer; keep the quote when the model adds figures or refuses."""
        if ans.refused or not ans.citations:
            return ans
        evidence = "\n".join(c.context or c.text for c in ans.citations)
        try:
            text = self.complete(self.prompt.render(question=ans.question, evidence=evidence))
        except LLMUnavailable as e:
            ans.warnings.append(str(e))
            return ans
        bad = unsupported_figures(text, evidence)
        if bad:
            ans.warnings.append(f"LLM 回答含证据中没有的数字（{'、'.join(bad)}），已改用原文摘录")
            return ans
        if not text or "未找到" in text:
            return ans
        ans.answer = text
        ans.route = "text+llm"
        return ans
