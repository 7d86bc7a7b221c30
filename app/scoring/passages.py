"""Passage candidates for text questions: the clauses, clause pairs, sentences, lists, dates and "label: value"
fields of the chunks hybrid retrieval brings (app.scoring.text_features gives their features).

Nothing here picks an answer. Lines that only name a part of the report, and passages that only repeat the
question's words, are not offered: they cannot answer anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.scoring.candidates import DocView
from app.scoring.cues import Cues, bigrams, normalize
from core.records import Chunk

CLAUSE_STOPS = "，,。；;！？!?\n|"
SENTENCE_STOPS = "。；;！？!?\n|"
MAX_SENTENCE = 160  # characters of a sentence offered whole
LONG = 80  # a longer clause (a form flattened into one line) is offered as overlapping windows
WINDOW, STRIDE = 40, 20
WORDY = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
FIELD = re.compile(r"^\s*([^:：|]{1,14})\s*[:：]\s*(\S.*)$", re.S)
DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[.\-/．])\s*(\d{1,2})\s*(?:月|[.\-/．])\s*(\d{1,2})\s*日?|"
                  r"(?<!\d)(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:底|末|初|前|[上中下]旬)?|"
                  r"(?<!\d)\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末|初|前|[上中下]旬)?|"
                  r"年(?:初|底|末)|月(?:初|底|末|前|上旬|中旬|下旬)")
STRUCTURAL = re.compile(r"^第[一二三四五六七八九十\d]+(?:部分|章|节)|(?:报告|情况|表|说明|分析|概况|目录)$")
RANGE = re.compile(r"\s*(?:至|到|—|-|－|~)\s*")
# the first item of a list in each numbering style, and how to write its n-th item (1-based)
NUMERALS = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
ITEM_STYLES: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("一是", lambda n: f"{NUMERALS[n - 1]}是"), ("（一）", lambda n: f"（{NUMERALS[n - 1]}）"),
    ("(一)", lambda n: f"({NUMERALS[n - 1]})"), ("一、", lambda n: f"{NUMERALS[n - 1]}、"),
    ("1.", lambda n: f"{n}."), ("1、", lambda n: f"{n}、"), ("①", lambda n: CIRCLED[n - 1]),
    ("- ", lambda n: "\n- "), ("* ", lambda n: "\n* "), ("• ", lambda n: "\n• "),
)
MAX_LIST = 400  # characters of a list offered whole at most
LIST_START = re.compile(r"\s*(?:[一二三四五六七八九十]是|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[①②③④⑤⑥⑦⑧⑨])")


@dataclass
class Passage:
    """A stretch of one report that might answer a text question, with the texts around it."""

    doc: DocView
    chunk: Chunk
    start: int  # offsets in doc.text
    end: int
    kind: str  # clause | pair | sentence | field | window | date | list | anchor
    rank: int  # rank of its chunk in the fused retrieval (0 = best)
    dense: float
    bm25: float
    left: str = ""  # the clause before the passage
    sentence: str = ""  # the sentence holding the passage (or the passage, when longer)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.doc.text[self.start:self.end]

    @property
    def key(self) -> tuple[str, int, int]:
        return self.doc.id, self.start, self.end


def wrapped(text: str, i: int) -> bool:
    """Whether the line break at ``i`` only wraps a long line (a sentence running on into the next line)."""
    prev = text[text.rfind("\n", 0, i) + 1:i].rstrip()
    after = text.find("\n", i + 1)
    nxt = text[i + 1:after if after >= 0 else len(text)].rstrip()
    return (len(prev) >= 20 and prev[-1] not in "。；;：:！？!?）)”|" and bool(WORDY.match(text, i + 1))
            and not LIST_START.match(text, i + 1) and "|" not in prev
            and (len(nxt) >= 0.6 * len(prev) or nxt[-1:] in ("。", "；", ";")))


def units(text: str, start: int, end: int, stops: str = CLAUSE_STOPS) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` between stops (and runs of spaces that separate form cells), trimmed,
    empty ones dropped; a line break that only wraps a long line is not a stop."""
    out = []
    pattern = re.compile("[" + re.escape(stops) + r"]|[ \t\u3000]{2,}")
    s = start
    for m in [*pattern.finditer(text, start, end), None]:
        if m is not None and m.group() == "\n" and wrapped(text, m.start()):
            continue
        a, b = s, (m.start() if m else end)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a and WORDY.search(text, a, b):
            out.append((a, b))
        if m:
            s = m.end()
    return out


def _around(text: str, s: int, e: int, stops: str, limit: int) -> tuple[int, int]:
    a, b = s, e
    while a > 0 and text[a - 1] not in stops and s - a < limit:
        a -= 1
    while b < len(text) and text[b] not in stops and b - e < limit:
        b += 1
    return a, b


def _left(text: str, s: int, limit: int = 60) -> tuple[int, int]:
    """The span of the clause before offset ``s`` (skipping the stop and spaces between)."""
    e = s
    while e > 0 and (text[e - 1] in CLAUSE_STOPS or text[e - 1].isspace()):
        e -= 1
    b = e
    while b > 0 and text[b - 1] not in CLAUSE_STOPS and e - b < limit:
        b -= 1
    return b, e


def list_end(text: str, s: int, end: int) -> int:
    """Where the list whose first item starts at ``s`` ends (the end of its last item's line or sentence),
    or -1 when ``s`` starts no list of two items or more before ``end``."""
    head = text[s:s + 3]
    style = next((item for first, item in ITEM_STYLES if head.startswith(first)), None)
    if style is None:
        return -1
    last, n = s, 2
    while n <= 10:
        at = text.find(style(n), last + 1, min(end, s + MAX_LIST))
        if at < 0:
            break
        last, n = at, n + 1
    if n == 2:
        return -1
    stops = "\n" if style(1)[-1] in "、.）) " else "\n。"
    e = min((i for i in (text.find(c, last + 1, end) for c in stops) if i >= 0), default=end)
    return min(e + (text[e:e + 1] == "。"), s + MAX_LIST, end)


def _cut(text: str, s: int, e: int) -> int:
    """``e``, or the last sentence stop before it when the text runs on."""
    if e >= len(text) or text[e] in SENTENCE_STOPS:
        return e
    stop = max(text.rfind(c, s, e) for c in "。；;\n")
    return stop + 1 if stop > s else e


def anchors(text: str, s: int, e: int, grams: frozenset[str], reach: int = 24) -> list[tuple[int, int]]:
    """Spans of a long run of text that start where the question's words do and run ``reach`` past them:
    in a form flattened into one line, the value follows its label."""
    out, i = [], s
    while i < e - 1:
        if text[i:i + 2] in grams:
            j = i + 1
            while j < e - 1 and text[j:j + 2] in grams:
                j += 1
            out.append((i, min(e, j + 1 + reach)))
            i = j + 1
        else:
            i += 1
    return out


SYNONYMS = (("用在", "用于"), ("用来", "用于"), ("举办", "举行"), ("举行", "举办"), ("提交", "作"), ("作的", "作"))


def question_grams(cues: Cues) -> frozenset[str]:
    """The question's bigrams, with the report's usual wording of a few colloquial ones ("用在" → "用于")."""
    terms = cues.terms
    for said, written in SYNONYMS:
        terms = terms.replace(said, written) if said in terms else terms
    return cues.grams | bigrams(terms)


def structural(text: str, s: int, e: int, title: str) -> bool:
    """A line that only names a part of the report (its title, "第四部分 …", "… 情况分析"): never an answer."""
    said = text[s:e].strip()
    if title and said == title:
        return True
    whole = text[s - 1:s] in ("", "\n") and text[e:e + 1] in ("", "\n")
    return whole and len(said) <= 30 and bool(STRUCTURAL.search(said))


def echoes(said: str, grams: frozenset[str]) -> bool:
    """A passage that only repeats the question's words (a heading naming what is asked): it adds nothing."""
    if not grams:
        return False
    have = bigrams(re.sub("[的之了及和与]", "", normalize(LIST_START.sub("", said, count=1))))
    return len(have - grams) <= 1


def passages(hits: list[tuple[Chunk, float, float]], doc_of: Callable[[str], DocView],
             cues: Cues | None = None) -> list[Passage]:
    """Passage candidates from retrieved chunks, best chunk first; each span is offered once (never the
    report's title). With ``cues``, long runs of text also give spans anchored at the question's words."""
    grams = question_grams(cues) if cues else frozenset()
    out: list[Passage] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, (chunk, dense, bm25) in enumerate(hits):
        doc = doc_of(chunk.doc_id)
        text = doc.text
        clauses = units(text, chunk.start, chunk.end)
        spans: list[tuple[int, int, str]] = []
        for i, (s, e) in enumerate(clauses):
            for m in DATE.finditer(text, s, e):  # before the clause: a clause ending in its date is a date
                to = RANGE.match(text, m.end())
                later = DATE.match(text, to.end()) if to else None
                spans.append((max(s, m.start() - 10), later.end() if later else m.end(), "date"))
            if e - s > LONG:
                spans.extend((a, min(a + WINDOW, e), "window") for a in range(s, max(s + 1, e - STRIDE), STRIDE))
                spans.extend((a, b, "anchor") for a, b in anchors(text, s, e, grams))
            else:
                spans.append((s, e, "field" if FIELD.match(text[s:e]) else "clause"))
            if i + 1 < len(clauses):
                n_s, n_e = clauses[i + 1]
                gap = text[e:n_s]
                if "\n" not in gap and "。" not in gap and n_e - s <= MAX_SENTENCE:
                    cell = ("|" in gap or "  " in gap) and e - s <= 20
                    spans.append((s, n_e, "field" if cell else "pair"))
            le = list_end(text, s, chunk.end)
            if le > e:
                spans.append((s, _cut(text, s, le), "list"))
        for s, e in units(text, chunk.start, chunk.end, SENTENCE_STOPS):
            if e - s <= MAX_SENTENCE and any(s <= a and b <= e for a, b in clauses if (a, b) != (s, e)):
                spans.append((s, e, "sentence"))
        for s, e in units(text, chunk.start, chunk.end, "。！？!?\n"):  # items run on with semicolons
            if e - s <= MAX_LIST and re.search("[；;]", text[s:e]):
                spans.append((s, e, "list"))
        for s, e, kind in spans:
            if (doc.id, s, e) in seen or structural(text, s, e, doc.title) or echoes(text[s:e], grams):
                continue
            seen.add((doc.id, s, e))
            ls, le = _left(text, s)
            ss, se = _around(text, s, e, SENTENCE_STOPS, MAX_SENTENCE)
            out.append(Passage(doc, chunk, s, e, kind, rank, dense, bm25, left=text[ls:le],
                               sentence=text[min(ss, s):max(se, e)]))
    return out
