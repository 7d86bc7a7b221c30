"""Extractive answers for text questions: the best supporting sentence, quoted and cited, or a refusal."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.answer import Answer, Citation, Retrieved, refusal

if TYPE_CHECKING:
    from app.retrieve import Scored
    from ingest.model import Chunk

SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
STOP = set("的了是在和与及或对为有被把吗呢啊么什哪里怎样如何多少几个请问情况")
MIN_COVERAGE = 0.6  # share of the question's content characters a supporting sentence must contain


def content_chars(text: str) -> list[str]:
    """CJK characters and alphanumerics that carry meaning (stop characters removed)."""
    return [c for c in text if (c.isalnum() or "\u4e00" <= c <= "\u9fff") and c not in STOP]


def coverage(key: str, sentence: str) -> float:
    """Share of the key's content bigrams (or characters, for one-character keys) found in the sentence."""
    chars = content_chars(key)
    if not chars:
        return 0.0
    grams = [a + b for a, b in zip(chars, chars[1:], strict=False)] or chars
    flat = "".join(content_chars(sentence))
    return sum(1 for g in grams if g in flat) / len(grams)


def answer_text(question: str, key: str, hits: list[Scored], source: Callable[[Chunk], str],
                *, min_coverage: float = MIN_COVERAGE) -> Answer:
    """Quote the sentence among the retrieved chunks that best covers ``key`` (the question's content)."""
    retrieved = [Retrieved(h.chunk.id, h.chunk.doc_name, h.chunk.section, h.chunk.text, h.score) for h in hits]
    best: tuple[float, int, Chunk, int, int, str] | None = None
    for rank, h in enumerate(hits):
        text = source(h.chunk)
        for m in SENTENCE.finditer(text):
            sent = m.group().strip()
            if len(content_chars(sent)) < 4:
                continue
            cov = coverage(key, sent)
            cand = (cov - 0.02 * rank, -rank, h.chunk, m.start(), m.end(), text)
            if best is None or cand[:2] > best[:2]:
                best = cand
    if best is None or best[0] + 0.02 * -best[1] < min_coverage:
        return refusal(question, "报告中没有找到能回答该问题的内容：检索到的段落都不包含问题的主要关键词",
                       route="text", retrieved=retrieved)
    _, _, chunk, s, e, text = best
    while e > s and text[e - 1].isspace():
        e -= 1
    quote = text[s:e]
    cite = Citation(doc=chunk.doc_name, section=chunk.section, text=quote, start=chunk.start + s,
                    end=chunk.start + e, chunk_id=chunk.id, context=text)
    return Answer(question=question, answer=quote, route="text", citations=[cite], retrieved=retrieved)
