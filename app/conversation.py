"""Follow-ups ("那2021年呢？", "和上年比呢？", "执行率呢？") made standalone against the conversation, by rules first;
the turns are kept per session id in the SQL store, so any process serving the session sees them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from vectorstore.conversations import ConversationLog, Turn

if TYPE_CHECKING:
    from app.pipeline import Assistant
    from core.config import Settings
    from vectorstore.figures import FigureStore

__all__ = ["Conversations", "Rewriter", "Turn", "leans_on_context", "resolve", "rewriter_for"]

# History (oldest first) and the new question -> the standalone question, or None when it cannot say. The hook
# for a chat model: it is asked only when the rules leave a question that leans on the conversation unchanged.
Rewriter = Callable[[list[Turn], str], str | None]

LAST_YEAR = r"(?:上年度|上一年度|上一年|上年|去年|前一年|上年同期)"
VS = r"(?:和|与|跟|同|比|较|相较于?)"
# against the year before: "和上年比呢？", "与去年相比如何", "比上年增长了多少呢", "同比呢？"; or a named year:
# "和2021年比呢？"
VS_YEAR = re.compile(rf"^(?:那么?|那)?(?:{VS}(?P<last>{LAST_YEAR})|(?P<last2>{LAST_YEAR})相?比|(?P<yoy>同比)"
                     rf"|{VS}(?P<year>(?:19|20)\d\d)年度?)(?P<rest>.*?)[？?。]?$")
# a year counted from the previous question's: "那去年呢？" after a 2022 question asks about 2021
RELATIVE_YEAR = re.compile(r"^(?:那么?|那)?(?P<rel>去年|上年度|上一年度|上一年|上年|前一年|前年|明年|下一年|后一年|次年)")
OFFSETS = {"前年": -2, "明年": 1, "下一年": 1, "后一年": 1, "次年": 1}
CHANGE_WORD = re.compile(r"增长|增加|上升|提高|减少|下降|降低|变化|增减")
ASKS = re.compile(r"(?:是多少|为多少|有多少|多少|是什么|是几|几)?[？?。！!]*$")
# a follow-up naming nothing the rules could put in ("那个呢？", "还有呢？"): a rule rewrite would make it the metric
VAGUE = re.compile(r"^(?:那么?|那)?(?:这个|那个|这些|那些|个|它们?|这|还有|具体|其他|其它|别的|然后)(?:呢|怎么样|如何)?[？?]?$")
LEANS = re.compile(r"^(?:那么?|它的?|其|该)|(?:呢|怎么样|如何|又是多少|又是)[？?]?$|^(?:和|与|跟|比|较)")


def leans_on_context(question: str) -> bool:
    """Whether a question reads as a follow-up ("…呢？", "那…", "它的…", "和…比") rather than on its own."""
    return bool(LEANS.search(re.sub(r"\s+", "", question)))


def vs_year(question: str, previous: str) -> str | None:
    """ "和上年比呢？" after "2022年海珠区预算执行率是多少" -> "2022年海珠区预算执行率较上年变化多少" (the form the
    figure route reads as a stated change against the year before); "和2021年比呢？" -> "…较2021年变化多少" (worked
    out from both years' reports). None when the question is not such a follow-up."""
    m = VS_YEAR.match(re.sub(r"\s+", "", question))
    if m is None:
        return None
    rest = re.sub(r"^相?比较?|呢$|怎么样$|如何$|情况$", "", m["rest"])
    rest = re.sub(r"呢$|怎么样$|如何$", "", rest)
    if rest and not CHANGE_WORD.search(rest):
        return None  # "和上年的预算比呢" names something else: leave it to the other rules
    word = CHANGE_WORD.search(rest)
    stem = ASKS.sub("", previous.strip())
    stem = re.split(rf"{VS}(?:{LAST_YEAR}|(?:19|20)\d\d年度?)|同比", stem)[0]
    against = f"{m['year']}年" if m["year"] else "上年"
    return f"{stem}较{against}{word.group(0) if word else '变化'}多少" if stem else None


def relative_year(assistant: Assistant, question: str, previous: str) -> str | None:
    """ "那去年呢？" after a question about 2022 -> "那2021年呢？" (then resolved as any year follow-up); None when the
    question names no year relative to another, or the previous question has not exactly one year."""
    m = RELATIVE_YEAR.match(re.sub(r"\s+", "", question))
    if m is None:
        return None
    years = assistant.parse(previous).years
    if len(years) != 1:
        return None
    year = years[0] + OFFSETS.get(m["rel"], -1)
    return f"那{year}年" + re.sub(r"\s+", "", question)[m.end():]


def resolve(assistant: Assistant, history: list[Turn], question: str, rewriter: Rewriter | None = None) -> str:
    """The standalone form of ``question`` after the turns in ``history`` (oldest first).

    Rules first: a year counted from the previous one ("那去年呢？"), a change against the year before or a named
    year ("和上年比呢？", "同比呢？", "和2021年比呢？"), then year, organisation and metric replaced or added from the
    previous question (``Assistant.followup``). When the rules leave a question that leans on
    the conversation as it was, ``rewriter`` (a chat model, when one is configured) may rewrite it; None or no
    rewriter keeps the question as asked.
    """
    question = question.strip()
    if not history:
        return question
    previous = history[-1].resolved
    flat = re.sub(r"\s+", "", question)
    if VAGUE.match(flat):  # nothing the rules can put in
        out = question
    elif changed := vs_year(question, previous):
        out = changed
    elif RELATIVE_YEAR.match(flat):
        asked = relative_year(assistant, question, previous)
        out = question if asked is None else assistant.followup(asked, previous)  # None: no year to count from
    else:
        out = assistant.followup(question, previous)
    if out == question and rewriter is not None and leans_on_context(question):
        return (rewriter(history, question) or question).strip()
    return out


def rewriter_for(settings: Settings) -> Rewriter | None:
    """The rewriter the settings configure: the chat model of ``REPORTQA_LLM`` / ``REPORTQA_LLM_URL`` when one is
    set (app.followup_model: its rewrite is checked before it is used), else None (rules only)."""
    from app.backends.llm import make_chat_model

    model = make_chat_model(settings)
    if model is None:
        return None
    from app.followup_model import ModelRewriter

    return ModelRewriter(model)


class Conversations:
    """Conversation state per session id in the SQL store, plus how follow-ups are resolved against it."""

    def __init__(self, store: FigureStore, *, rewriter: Rewriter | None = None, keep: int = 20) -> None:
        self.log = ConversationLog(store, keep)
        self.rewriter = rewriter

    @classmethod
    def for_assistant(cls, assistant: Assistant) -> Conversations:
        """The conversations in ``assistant``'s SQL store, with the rewriter its settings configure."""
        return cls(assistant.store, rewriter=rewriter_for(assistant.settings))

    @staticmethod
    def new_id() -> str:
        """A fresh session id."""
        return uuid.uuid4().hex

    def history(self, session_id: str) -> list[Turn]:
        return self.log.turns(session_id)

    def resolve(self, assistant: Assistant, session_id: str, question: str) -> str:
        """``question`` made standalone against the session's earlier turns."""
        return resolve(assistant, self.history(session_id), question, self.rewriter)

    def remember(self, session_id: str, asked: str, resolved: str) -> None:
        self.log.add(session_id, asked, resolved)

    def forget(self, session_id: str) -> int:
        return self.log.forget(session_id)
