"""A chat model as the follow-up rewriter of app/conversation.py: asked only when the rules leave a question that
leans on the conversation as it was ("那个呢？", "它的主要问题呢？"), with the earlier questions and the new one
(prompts/rewrite_followup.txt). Its output is used only as a question, and only when it is one line, not too long,
and every number in it (years included) is in the conversation or the question: a rewrite cannot bring in a
figure or a year. Otherwise, or when the model cannot be reached, the question stays as asked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.backends.prompts import load_prompt
from core.errors import LLMUnavailable

if TYPE_CHECKING:
    from app.backends.llm import ChatModel
    from vectorstore.conversations import Turn

TURNS = 4  # the earlier questions shown to the model
NUMBER = re.compile(r"\d+(?:\.\d+)?")
LABEL = re.compile(r"^(?:改写后的问题|问题|改写)\s*[:：]\s*")


class ModelRewriter:
    """``(history, question) -> standalone question | None`` over a chat model."""

    def __init__(self, model: ChatModel, max_tokens: int = 80) -> None:
        self.model, self.max_tokens = model, max_tokens
        self.prompt = load_prompt("rewrite_followup")

    def __call__(self, history: list[Turn], question: str) -> str | None:
        shown = "\n".join(t.resolved for t in history[-TURNS:])
        try:
            reply = self.model.chat(self.prompt.render(history=shown, question=question), max_tokens=self.max_tokens)
        except LLMUnavailable:
            return None
        return checked(reply.text, shown + "\n" + question)


def checked(text: str, context: str) -> str | None:
    """The model's rewrite as a question, or None when it is not one this module can trust."""
    lines = [s for s in (line.strip() for line in text.splitlines()) if s]
    if not lines:
        return None
    out = LABEL.sub("", lines[0]).strip(" \"'“”「」")
    if not out or len(out) > max(2 * len(context), 60) or "资料中未找到" in out:
        return None
    known = set(NUMBER.findall(context))
    if any(n not in known for n in NUMBER.findall(out)):
        return None  # a number nobody said: the rewrite would steer the answer
    return out
