"""The model as a reader, not a decider of refusals.

It gets the question and the best scored candidates (passages with their report, organisation, year, page and
figures) and answers in Chinese with bracketed source numbers. It is asked only where the extractive path is
unsure (the scorer refused by its threshold, yet candidates with real support are there) or the question is
open-ended (介绍一下…, reasons, summaries); with no supporting candidate it is not asked. Its answer is kept
only when the number guard passes every figure; otherwise the extractive answer (or the refusal) stays, with a
note in ``Answer.warnings``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from app.backends.llm import ChatModel
from app.backends.prompts import Prompt, load_prompt
from app.reader import guard
from app.reader.sources import Source, from_candidates, from_passages, render
from app.routes import Route
from app.scoring.candidates import Candidate
from app.scoring.cues import Cues, asks_figure, read
from app.scoring.passages import Passage
from core.answer import Answer, refusal
from core.errors import LLMUnavailable
from core.records import Figure
from ingest.numbers import find_quantities

OPEN_ENDED = re.compile(r"介绍|概括|概述|总结|综述|简述|简要说|说说|谈谈|讲讲|说明一下|为什么|原因|怎么样|怎样|如何|"
                        r"成效|亮点|做法|经验|措施|建议|主要(?:工作|内容|问题|做法)|有哪些|哪些方面")
DECLINED = re.compile(r"资料中未找到|未找到|无法(?:回答|确定)|没有(?:找到|提及|相关)|不能回答")
MIN_COVER = 0.6  # question words a candidate's sentence and headings must cover (the scorer's "not about this")
MIN_TEXT_COVER = 0.5
TOP = 12  # candidates looked at for support, best first


def open_ended(question: str) -> bool:
    """Whether a question asks for an account rather than one fact (介绍一下…, 为什么…, 主要问题…)."""
    return bool(OPEN_ENDED.search(question))


def _year_ok(cues: Cues, f: dict[str, float]) -> bool:
    return not cues.years or bool(f.get("year_eq") or f.get("year_in_sent") or f.get("year_in_doc"))


def supporting_figures(cues: Cues, cands: Sequence[Candidate]) -> list[Candidate]:
    """Figure candidates with real support: about what the question asks (most of its words stand in the
    sentence, headings or label) and of the asked year (or mentioning it)."""
    return [c for c in cands if c.features.get("g_union", 0.0) >= MIN_COVER and _year_ok(cues, c.features)]


def supporting_passages(cues: Cues, cands: Sequence[Passage]) -> list[Passage]:
    """Text passages with real support: their context covers the question's words, of the asked year."""
    return [p for p in cands if p.features.get("i_ctx", 0.0) >= MIN_TEXT_COVER and _year_ok(cues, p.features)]


class Reader:
    """Question + numbered sources -> a cited answer the guard has checked (or the fallback with a note)."""

    def __init__(self, model: ChatModel, prompt: Prompt | None = None, max_tokens: int | None = None) -> None:
        self.model = model
        self.prompt = prompt or load_prompt("read_sources")
        self.max_tokens = max_tokens

    def ask(self, question: str, sources: Sequence[Source]) -> str:
        messages = self.prompt.render(question=question, sources=render(sources))
        return self.model.chat(messages, max_tokens=self.max_tokens).text

    def read(self, question: str, sources: Sequence[Source], fallback: Answer) -> Answer:
        """The model's answer when every figure passes the guard; else ``fallback`` with a note why."""
        if not sources:
            return fallback
        kept = "拒答" if fallback.refused else "原答案"
        try:
            said = self.ask(question, sources)
        except LLMUnavailable as e:
            fallback.warnings.append(f"模型不可用，保留{kept}：{e}")
            return fallback
        verdict = guard.check(said, sources, question)
        if said and DECLINED.search(said) and not verdict.supported:
            fallback.warnings.append(f"模型认为资料不能回答，保留{kept}")
            return fallback
        if not verdict.ok:
            fallback.warnings.append(f"模型的回答未通过数字核对（{'；'.join(verdict.problems[:3])}），已改用{kept}")
            return fallback
        cited = [n for n in verdict.cited if 1 <= n <= len(sources)]
        if not cited:
            fallback.warnings.append(f"模型的回答没有注明资料编号，已改用{kept}")
            return fallback
        return _answer(question, said, [sources[n - 1] for n in cited], cited, verdict, Route.LLM)

    def read_unguarded(self, question: str, sources: Sequence[Source]) -> Answer:
        """The model-only configuration (the peers' design): the model's answer as it is; the guard's findings
        are only noted, never acted on; the model's own "资料中未找到" is the refusal."""
        if not sources:
            return refusal(question, "检索不到与问题相关的报告内容", route=Route.LLM_ONLY)
        try:
            said = self.ask(question, sources)
        except LLMUnavailable as e:
            return refusal(question, f"模型不可用：{e}", route=Route.LLM_ONLY)
        verdict = guard.check(said, sources, question)
        if not said or (DECLINED.search(said) and not find_quantities(verdict.text)):
            ans = refusal(question, f"模型：{said or '（空回答）'}", route=Route.LLM_ONLY)
            ans.citations = [s.citation() for s in sources]
            return ans
        cited = [n for n in verdict.cited if 1 <= n <= len(sources)] or list(range(1, len(sources) + 1))
        ans = _answer(question, said, [sources[n - 1] for n in cited], cited, verdict, Route.LLM_ONLY)
        ans.warnings += [f"数字核对（未据此拒答）：{p}" for p in verdict.problems]
        return ans


def _renumber(text: str, cited: list[int]) -> str:
    """Reference markers renumbered in citation order ([3] … [1] -> [1] … [2]); unknown numbers dropped."""
    new = {n: i for i, n in enumerate(cited, 1)}

    def swap(m: re.Match[str]) -> str:
        ns = [new[int(x)] for x in re.findall(r"\d+", m.group(1)) if int(x) in new]
        return "".join(f"[{n}]" for n in dict.fromkeys(ns))

    return guard.REF.sub(swap, text).strip()


def _answer(question: str, said: str, used: list[Source], cited: list[int], verdict: guard.Verdict,
            route: Route) -> Answer:
    cues = read(question)
    ans = Answer(question=question, answer=_renumber(said, cited), route=route,
                 citations=[s.citation() for s in used], org=used[0].doc.org or None, year=used[0].doc.year)
    if asks_figure(cues) and verdict.supported:
        kinds = {"percent": ("percent", "points")}.get(cues.kind, (cues.kind,))
        main = next((q for q in verdict.supported if q.kind in kinds), verdict.supported[0])
        ans.value, ans.unit = abs(main.value), main.unit or None
        ans.normalized_value, ans.normalized_unit = abs(main.base_value), main.base_unit or None
    return ans


def for_figures(reader: Reader, question: str, cues: Cues, ranked: Sequence[Candidate],
                stored: Callable[[list[str]], list[Figure]], fallback: Answer) -> Answer:
    """A figure question the scorer refused: the model reads the supporting candidates (best first), if any."""
    support = supporting_figures(cues, ranked[:TOP])
    if not support:
        return fallback
    return reader.read(question, from_candidates(support, stored), fallback)


def for_text(reader: Reader, question: str, cues: Cues, ranked: Sequence[Passage],
             stored: Callable[[list[str]], list[Figure]], fallback: Answer) -> Answer:
    """A text question refused by the text scorer, or an open-ended one: the model reads the supporting passages
    (best first)."""
    support = supporting_passages(cues, ranked[:TOP])
    if not support:
        return fallback
    return reader.read(question, from_passages(support, stored), fallback)
