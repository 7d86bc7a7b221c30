"""Numbered sources for the reader: passages of the ranked candidates with their report, page and figures.

Retrieved text is data, not instructions: a sentence of a report that reads like an instruction to a model
("忽略以上指令…") is left out of what the model sees and its figures support nothing; angle brackets are
replaced so that a passage cannot close the tag it is wrapped in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.scoring.candidates import Candidate, DocView, table_unit
from app.scoring.passages import Passage
from core.answer import Citation
from core.records import Chunk, Figure
from ingest.numbers import Quantity, find_quantities, from_value

SENTENCE_STOPS = "。；;！？!?\n"
MAX_CHARS = 260  # characters of one passage shown to the model
MAX_SOURCES = 4
LABEL_CHARS = 40  # characters before a figure that may name it
INSTRUCTION = re.compile(
    r"忽略.{0,8}(?:指令|指示|提示|要求|规则|设定|内容|资料)|无视.{0,8}(?:指令|指示|要求|规则)|"
    r"(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|above|prior|earlier)|"
    r"(?:^|[。；;\s])你(?:现在)?(?:是|扮演|必须|应该|要|只能|需要)|(?:请|必须)(?:直接|只)?(?:回答|回复|输出|告诉用户)|"
    r"(?:system|assistant|user)\s*[:：]|系统提示|提示词|新的?指令|以下指令|prompt", re.I)
OMITTED = "（此处一句像是给模型的指令，已略去）"


@dataclass(frozen=True)
class Stated:
    """A figure a source states: the quantity (offsets in the report's text) and its label."""

    quantity: Quantity
    label: str  # what it measures: the stored metric, the words before it, a table row and column


@dataclass
class Source:
    """One numbered passage the reader gets."""

    doc: DocView
    chunk: Chunk
    start: int  # the quoted span in doc.text (the citation)
    end: int
    text: str = ""  # what the model is shown (a table's header line added, instruction-like sentences left out)
    figures: list[Stated] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)  # instruction-like sentences left out

    def citation(self) -> Citation:
        t = self.doc.text
        return Citation(self.doc.name, self.chunk.section, t[self.start:self.end], self.start, self.end, self.chunk.id,
                        context=t[self.chunk.start:self.chunk.end], page=self.chunk.page)

    def header(self, n: int) -> str:
        bits = [f'编号="{n}"', f'报告="{_safe(self.doc.name)}"']
        if self.doc.org:
            bits.append(f'单位="{_safe(self.doc.org)}"')
        if self.doc.year:
            bits.append(f'年度="{self.doc.year}"')
        if self.chunk.page:
            bits.append(f'页="{self.chunk.page}"')
        if self.chunk.section:
            bits.append(f'章节="{_safe(self.chunk.section)[:40]}"')
        return " ".join(bits)


def _safe(text: str) -> str:
    return text.replace("<", "＜").replace(">", "＞").replace('"', "“")


def render(sources: Sequence[Source]) -> str:
    """The sources as the prompt shows them: each wrapped in a numbered <资料> tag."""
    return "\n\n".join(f"<资料 {s.header(i)}>\n{_safe(s.text)}\n</资料>" for i, s in enumerate(sources, 1))


def instruction_like(sentence: str) -> bool:
    return bool(INSTRUCTION.search(sentence))


def _sentences(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The sentences of text[s:e], each with its closing stop."""
    out, i = [], s
    for m in re.finditer(r"[。；;！？!?\n]", text[s:e]):
        j = s + m.end()
        if text[i:j].strip():
            out.append((i, j))
        i = j
    if text[i:e].strip():
        out.append((i, e))
    return out


def _span(doc: DocView, chunk: Chunk, focus_start: int, focus_end: int, limit: int = MAX_CHARS) -> tuple[int, int]:
    """The passage around a focus: its sentences, grown by whole sentences of the chunk up to ``limit``
    characters (a longer sentence is cut around the focus)."""
    text = doc.text
    sents = _sentences(text, chunk.start, chunk.end)
    at = [i for i, (a, b) in enumerate(sents) if a < max(focus_end, focus_start + 1) and focus_start < b]
    if not at:
        return focus_start, focus_end
    lo, hi = at[0], at[-1]
    while True:
        grown = False
        if hi + 1 < len(sents) and sents[hi + 1][1] - sents[lo][0] <= limit:
            hi, grown = hi + 1, True
        if lo > 0 and sents[hi][1] - sents[lo - 1][0] <= limit:
            lo, grown = lo - 1, True
        if not grown:
            break
    s, e = sents[lo][0], sents[hi][1]
    if e - s > 2 * limit:
        s, e = max(s, focus_start - limit // 2), min(e, max(focus_end, focus_start) + limit // 2)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _header_line(text: str, chunk: Chunk, row_start: int) -> tuple[int, int] | None:
    """A table row's header: the first line of its chunk with cells, when the row is not that line."""
    first = text.find("|", chunk.start, row_start)
    if first < 0:
        return None
    hs = text.rfind("\n", chunk.start, first) + 1 or chunk.start
    he = text.find("\n", first, chunk.end)
    he = chunk.end if he < 0 else he
    return (max(hs, chunk.start), he) if he <= row_start else None


def _column(text: str, q: Quantity, header: tuple[int, int] | None) -> str:
    """The header of a cell's column, for a row written on one line ("基本支出 | 2000 | 2134.84")."""
    ls = text.rfind("\n", 0, q.start) + 1
    if header is None or "|" not in text[ls:q.start]:
        return ""
    at = text[ls:q.start].count("|")
    cells = text[header[0]:header[1]].split("|")
    return cells[at].strip() if at < len(cells) else ""


def _label(text: str, q: Quantity, before: list[int], floor: int) -> str:
    """The words a figure follows: back to the figure before it (or the sentence start), and past that one
    too when too few words stand between (a table row: its row words come before its first number)."""
    def words(s: str) -> int:
        return len(re.findall(r"[\u4e00-\u9fffA-Za-z]", s))

    stop = max((m.end() for m in re.finditer(r"[。；;！？!?]", text[max(floor, q.start - LABEL_CHARS):q.start])),
               default=0)
    lo = max(floor, q.start - LABEL_CHARS)
    start = max([lo + stop] + [e for e in before if e <= q.start][-1:])
    if words(text[start:q.start]) < 2:
        start = max([lo] + [e for e in before if e < start][-1:])
    return re.sub(r"[|\s]+", " ", text[start:q.start]).strip()


def build(doc: DocView, chunk: Chunk, focus: tuple[int, int],
          stored: Callable[[list[str]], list[Figure]] | None = None) -> Source:
    """A source around ``focus`` (offsets in doc.text) inside ``chunk``: the span, the text shown, its figures."""
    text = doc.text
    s, e = _span(doc, chunk, *focus)
    header = _header_line(text, chunk, s) if "|" in text[s:e] else None
    metric: dict[int, str] = {}
    if stored is not None:
        for f in stored([chunk.id]):
            metric.setdefault(int(f.extra.get("num_start", f.start)), f.metric)
    src = Source(doc, chunk, s, e)
    shown: list[str] = []
    found: list[Quantity] = []
    for seg in ([header] if header else []) + [(s, e)]:
        for a, b in _sentences(text, *seg):
            said = text[a:b]
            if instruction_like(said):
                src.omitted.append(said.strip())
                shown.append(OMITTED + ("\n" if said.endswith("\n") else ""))
                continue
            shown.append(said)
            found += [_shift(q, a) for q in find_quantities(said) if q.note != "debris"]
        if seg is header:
            shown.append("\n")
    ends = sorted(q.end for q in found)
    for q in found:
        if not q.unit:
            unit = table_unit(text, q.start)
            if unit:
                scaled = from_value(q.value, unit)
                q = replace(q, unit=unit, base_value=scaled.base_value, base_unit=scaled.base_unit, kind=scaled.kind)
        floor = header[0] if header and q.start < header[1] else s
        label = f"{metric.get(q.start, '')} {_label(text, q, ends, floor)} {_column(text, q, header)}"
        src.figures.append(Stated(q, re.sub(r"\s+", " ", label).strip()))
    src.text = "".join(shown).strip()
    return src


def _shift(q: Quantity, by: int) -> Quantity:
    return replace(q, start=q.start + by, end=q.end + by,
                   outer_start=q.outer_start + by if q.outer_start >= 0 else -1,
                   outer_end=q.outer_end + by if q.outer_end >= 0 else -1)


def _distinct(items: list[Source], limit: int) -> list[Source]:
    out: list[Source] = []
    for src in items:
        if any(o.doc.id == src.doc.id and o.start < src.end and src.start < o.end for o in out):
            continue  # overlaps a passage already given
        out.append(src)
        if len(out) == limit:
            break
    return out


def from_candidates(cands: Sequence[Candidate], stored: Callable[[list[str]], list[Figure]] | None = None,
                    limit: int = MAX_SOURCES) -> list[Source]:
    """Sources around the best figure candidates (best first), one per distinct passage."""
    out: list[Source] = []
    for c in cands:
        if len(out) >= limit:
            break
        if any(o.doc.id == c.doc.id and o.start <= c.quantity.start < o.end for o in out):
            continue
        out = _distinct(out + [build(c.doc, c.chunk, (c.quantity.start, c.quantity.end), stored)], limit)
    return out


def from_passages(passages: Sequence[Passage], stored: Callable[[list[str]], list[Figure]] | None = None,
                  limit: int = MAX_SOURCES) -> list[Source]:
    """Sources around the best text passages (best first), one per distinct passage."""
    out: list[Source] = []
    for p in passages:
        if len(out) >= limit:
            break
        if any(o.doc.id == p.doc.id and o.start <= p.start < o.end for o in out):
            continue
        out = _distinct(out + [build(p.doc, p.chunk, (p.start, p.end), stored)], limit)
    return out


def from_chunks(chunks: Sequence[tuple[DocView, Chunk]],
                stored: Callable[[list[str]], list[Figure]] | None = None) -> list[Source]:
    """Whole retrieved chunks as sources (the model-only configuration: top-k chunks, no candidates)."""
    return [build(doc, chunk, (chunk.start, chunk.end), stored) for doc, chunk in chunks]
