"""Extractive answers for text questions: the report section or the sentence that answers, quoted and cited."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.question.words import question_words
from app.routes import Route, handles
from app.text.retrieve import as_retrieved
from app.text.sections import Asked, asked_topic, clip, heading_score, heading_topics, section_span
from core.answer import Answer, Citation, Retrieved, refusal

if TYPE_CHECKING:
    from app.text.retrieve import Scored
    from core.records import Chunk
    from core.vocabulary import Vocabulary
    from ingest.chunk import Heading

SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
STOP = set("的了是在和与及或对为有被把吗呢啊么什哪里怎样如何多少几个请问情况")
MIN_COVERAGE = 0.6  # weighted share of the question's words an answer and its context must contain
MIN_SUBJECT = 0.75  # share of the words besides the section name that the section (or its report) must contain
MAX_QUOTE = 800  # characters of a section body quoted at most
# where a question word is found: in the quoted sentence, in its report title / section path, elsewhere in the report
IN_QUOTE, IN_CONTEXT, IN_REPORT = 1.0, 0.8, 0.5
GENERIC = frozenset("主要 具体 有关 相关 方面 情况 工作 取得 开展 存在 提出 采取 进行 一步 下一步 哪些 部门 本 该 有 等".split())
SYNONYMS = {"举办": ("举行", "召开"), "举行": ("举办", "召开"), "召开": ("举办", "举行")}


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


def compact(text: str) -> str:
    """Text without whitespace and punctuation, for containment tests."""
    return re.sub(r"[\W_]+", "", text)


def content_words(text: str, ask: re.Pattern[str] | None = None) -> list[str]:
    """The words of a question phrase that must be found in an answer (question and generic words removed)."""
    from vectorstore.bm25 import words

    ask = ask or question_words().ask  # the words that ask ([questions] ask of the vocabulary)
    return [w for w in words(ask.sub(" ", text)) if len(w) >= 2 and w not in GENERIC]


def found(word: str, text: str) -> bool:
    """``word`` (or a genre synonym) in ``text`` (both compacted); long words also when 3/4 of their bigrams are."""
    if word in text or any(x in text for x in SYNONYMS.get(word, ())):
        return True
    if len(word) < 4:
        return False
    grams = [word[i:i + 2] for i in range(len(word) - 1)]
    return sum(1 for g in grams if g in text) >= 0.75 * len(grams)


@dataclass
class _Doc:
    """One retrieved report: its text, title and headings, computed once per question."""

    text: str
    flat: str
    title: str
    headings: list[Heading]
    rank: int  # best rank of its chunks among the hits
    chunks: list[Chunk]  # its retrieved chunks, best first


def _docs(hits: list[Scored], source: Callable[[Chunk], str]) -> dict[str, _Doc]:
    from ingest.chunk import headings
    from ingest.meta import find_title

    out: dict[str, _Doc] = {}
    for rank, h in enumerate(hits):
        if h.chunk.doc_id not in out:
            # ``source`` gives Document.text[start:end] of a chunk's document; widen the span to the whole text
            text = source(replace(h.chunk, start=0, end=1 << 62))
            out[h.chunk.doc_id] = _Doc(text, compact(text), find_title(text), headings(text), rank, [])
        out[h.chunk.doc_id].chunks.append(h.chunk)
    return out


def _weighted(words: list[str], quote: str, context: str, report: str) -> tuple[float, list[str]]:
    """Mean weight of the words by where they are found, and the words found nowhere."""
    if not words:
        return 1.0, []
    total, missing = 0.0, []
    for w in words:
        if found(w, quote):
            total += IN_QUOTE
        elif found(w, context):
            total += IN_CONTEXT
        elif found(w, report):
            total += IN_REPORT
        else:
            missing.append(w)
    return total / len(words), missing


def _cite(question: str, chunk: Chunk, text: str, s: int, e: int, retrieved: list[Retrieved],
          *, more: bool = False) -> Answer:
    """An answer quoting ``text[s:e]`` of the chunk's document (``text`` is the whole document)."""
    while e > s and text[e - 1].isspace():
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    quote = text[s:e]
    cite = Citation(doc=chunk.doc_name, section=chunk.section, text=quote, start=s, end=e, chunk_id=chunk.id,
                    context=text[max(0, s - 200):min(len(text), e + 200)], page=chunk.page)
    return Answer(question=question, answer=quote + ("……" if more else ""), route=Route.TEXT, citations=[cite],
                  retrieved=retrieved)


def _by_section(question: str, key: str, asked: Asked, docs: dict[str, _Doc], retrieved: list[Retrieved],
                ask: re.Pattern[str]) -> tuple[Answer | None, bool]:
    """Quote the section the question names (存在的问题, 改进措施 …) from the report that has it.

    Returns:
        (answer, final). (None, False) when no retrieved report has such a section; a refusal that is not
        final when the section does not speak about the rest of the question ("信息化建设存在的问题" when
        the problems named are about other things: a sentence elsewhere may still answer); a final
        refusal when several reports fit equally well (the question names no organisation or year).
    """
    subject = content_words(key[:asked.span[0]] + " " + key[asked.span[1]:], ask)
    fits: list[tuple[float, _Doc, Heading, int, int]] = []
    failed: tuple[str, list[str]] | None = None
    for doc in sorted(docs.values(), key=lambda d: d.rank):
        named = [h for h in doc.headings if asked.topic.name in heading_topics(h.text)]
        best = max(named, key=lambda h: heading_score(h.text, asked.cue, key), default=None)
        if best is None:
            continue
        s, e = section_span(doc.text, doc.headings, best)
        if not doc.text[s:e].strip():
            continue
        local = compact(f"{doc.title}{best.text}{doc.text[s:e]}")
        share, _ = _weighted(subject, local, "", doc.flat)
        if share >= MIN_SUBJECT:
            fits.append((share, doc, best, s, e))
        elif failed is None:
            failed = (best.text, [w for w in subject if not found(w, local)])
    if fits:
        top = max(f[0] for f in fits)
        tied = [f for f in fits if f[0] == top]
        if len({f[1].title for f in tied}) > 1:
            names = "、".join(f"《{f[1].title}》" for f in tied[:4])
            return refusal(question, f"几份报告都有“{tied[0][2].text}”这样的部分：{names}；请在问题中写明单位、年度或项目",
                           route=Route.TEXT, retrieved=retrieved), True
        _, doc, _, s, e = tied[0]
        end, more = clip(doc.text, s, e, MAX_QUOTE)
        return _cite(question, _chunk_at(doc, s, end), doc.text, s, end, retrieved, more=more), True
    if failed is not None:
        heading, missing = failed
        return refusal(question, f"报告“{heading}”部分没有提到“{'、'.join(missing)}”，无法回答",
                       route=Route.TEXT, retrieved=retrieved), False
    return None, False


def _chunk_at(doc: _Doc, pos: int, end: int) -> Chunk:
    """The chunk to cite for the quote text[pos:end]: a retrieved chunk holding its start, else one inside
    it, else the report's best chunk with the section path of the quote."""
    inside = ([c for c in doc.chunks if c.start <= pos < c.end]
              or sorted((c for c in doc.chunks if pos <= c.start < end), key=lambda c: c.start))
    if inside:
        return inside[0]
    trail: list[Heading] = []
    for h in (h for h in doc.headings if h.start < pos):
        while trail and trail[-1].level >= h.level:
            trail.pop()
        trail.append(h)
    return replace(doc.chunks[0], section=" > ".join(h.text for h in trail))


@handles(Route.TEXT)
def answer_text(question: str, key: str, hits: list[Scored], source: Callable[[Chunk], str],
                *, min_coverage: float = MIN_COVERAGE, vocabulary: Vocabulary | None = None) -> Answer:
    """Answer a text question from the retrieved chunks, or refuse.

    A question naming a standard section (存在的问题, 改进措施, 评价结论, 主要职责 …) is answered with that
    section's body, when the section is about the rest of the question. Otherwise the sentence that
    contains the question's last words and most of its other words (in the sentence itself, its report
    title or section path) is quoted; list-like questions get the sentence's whole paragraph.

    Args:
        question: the question as asked.
        key: its content words (organisation, year and question words removed).
        hits: retrieved chunks, best first.
        source: ``Document.text[c.start:c.end]`` for a chunk ``c`` (any span of the chunk's document).
        min_coverage: the weighted share of the key's words an answer must contain.
        vocabulary: whose question words to leave out of the key (default the packaged vocabulary).

    Returns:
        The answer with one citation, or a refusal saying what is missing.
    """
    ask = question_words(vocabulary).ask
    retrieved = as_retrieved(hits, source)
    none = refusal(question, "报告中没有找到能回答该问题的内容：检索到的段落都不包含问题的主要关键词",
                   route=Route.TEXT, retrieved=retrieved)
    if not hits:
        return none
    docs = _docs(hits, source)
    asked = asked_topic(key) or _topic_after(question, key)
    if asked is not None and asked.cue not in key:
        key, asked = key + asked.cue, asked_topic(key + asked.cue)
    section: Answer | None = None
    if asked is not None:
        section, final = _by_section(question, key, asked, docs, retrieved, ask)
        if section is not None and final:
            return section
    return _by_sentence(question, key, asked, hits, docs, retrieved, min_coverage, ask) or section or none


def _by_sentence(question: str, key: str, asked: Asked | None, hits: list[Scored], docs: dict[str, _Doc],
                 retrieved: list[Retrieved], min_coverage: float, ask: re.Pattern[str]) -> Answer | None:
    """Quote the sentence holding one of the key's last two words and most of its other words (weighted by
    where they are: the sentence, its title and section path, its report); None when none does."""
    words = content_words(key, ask)
    if not words:
        return None
    focus = words[-2:]
    best: tuple[float, int, int, Chunk, int, int] | None = None
    for rank, h in enumerate(hits):
        doc = docs[h.chunk.doc_id]
        if not _may_answer(words, focus, doc.flat):
            continue
        span = doc.text[h.chunk.start:h.chunk.end]
        context = compact(doc.title + h.chunk.section)
        for m in SENTENCE.finditer(span):
            s, e = h.chunk.start + m.start(), h.chunk.start + m.end()
            sent = compact(m.group())
            if len(content_chars(sent)) < 4 or _is_label(doc, s, e) or not any(found(f, sent) for f in focus):
                continue
            if asked is not None and not (asked.topic.ask.search(sent) or asked.topic.heading.search(sent)):
                continue  # asked for the problems: a sentence that names none is not the answer
            share, _ = _weighted(words, sent, context, doc.flat)
            cand = (share, -rank, -len(sent), h.chunk, s, e)
            if best is None or cand[:3] > best[:3]:
                best = cand
    if best is None or best[0] < min_coverage:
        return None
    _, _, _, chunk, s, e = best
    doc = docs[chunk.doc_id]
    if asked is not None and asked.topic.listing:
        s, e = _paragraph(doc.text, s, e)
    e = _list_after(doc, s, e)
    return _cite(question, chunk, doc.text, s, e, retrieved)


def _list_after(doc: _Doc, s: int, e: int) -> int:
    """A sentence that introduces a list ("主要职责是：") is quoted with the lines that follow it, up to the
    next heading or MAX_QUOTE characters (whole lines only)."""
    if not doc.text[s:e].rstrip().endswith(("：", ":")):
        return e
    heads = {h.start for h in doc.headings}
    end = pos = e
    while pos < len(doc.text):
        nl = doc.text.find("\n", pos)
        line_end = len(doc.text) if nl < 0 else nl
        line = doc.text[pos:line_end]
        if pos in heads or (line.strip() and _is_label(doc, pos, line_end)):
            break
        if line.strip():
            if line_end - s > MAX_QUOTE:
                break
            end = line_end
        pos = line_end + 1
    return end


def _may_answer(words: list[str], focus: list[str], report: str) -> bool:
    """A report can answer only when it contains the question's last words and most of the others: one
    that never says "监理" cannot say who the 监理单位 is, however close its sentences about 实施单位 are."""
    absent = [w for w in words if not found(w, report)]
    return not any(f in absent for f in focus) and len(absent) <= len(words) // 4


def _topic_after(question: str, key: str) -> Asked | None:
    """A section named in the question right after the key, when parsing dropped it ("绩效目标" -> "绩效")."""
    tail = re.sub(r"\s+", "", key)[-2:]
    pos = question.rfind(tail) if tail else -1
    if pos < 0:
        return None
    asked = asked_topic(question[pos + len(tail):])
    return asked if asked is not None and asked.span[0] <= 1 else None


def _is_label(doc: _Doc, s: int, e: int) -> bool:
    """A heading or the title: it names what follows and answers nothing."""
    from ingest.clean import is_heading_line

    line_start = doc.text.rfind("\n", 0, s) + 1
    line_end = doc.text.find("\n", e)
    line = doc.text[line_start:line_end if line_end >= 0 else len(doc.text)]
    if compact(line) == compact(doc.text[s:e]) and (is_heading_line(line) or any(h.start == line_start
                                                                                 for h in doc.headings)):
        return True
    return bool(doc.title) and compact(doc.text[s:e]) in compact(doc.title)


def _paragraph(text: str, s: int, e: int) -> tuple[int, int]:
    """The line around text[s:e] when it is not too long to quote (a list written as one paragraph)."""
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    le = len(text) if le < 0 else le
    return (ls, le) if le - ls <= MAX_QUOTE else (s, e)
