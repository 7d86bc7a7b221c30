"""The scored text route: passage candidates for a text question, the fitted model over them, a quoted answer
with its exact span, or a refusal that says what was missing."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app.routes import Route
from app.scoring.cues import Cues, asks_figure, bigrams, normalize, read
from app.scoring.features import asked_regions, place_in
from app.scoring.labels import evidence_span
from app.scoring.model import Group, ScorerModel, fit, fold_key, held_out
from app.scoring.passages import DATE, Passage, passages
from app.scoring.route import FittedRoute, Ranked, rank
from app.scoring.text_features import NAMES, asked_types, featurize
from core.answer import Answer, Citation, refusal
from core.errors import ReportQAError
from core.records import Example

if TYPE_CHECKING:
    from app.scoring.engine import Sources

PACKAGED = Path(__file__).with_name("text_scorer.json")
L2 = 25.0  # strong shrinkage: a few dozen verified questions against many correlated features
FOLDS = 5
WRONG_COST = 1.0  # a quote that does not answer costs as much as a right one gains
STRIP = " \t\r\n,，;；、|:：。"


def quote(p: Passage) -> tuple[int, int]:
    """The passage's span without the stops and spaces at its ends."""
    s, e, text = p.start, p.end, p.doc.text
    while s < e and text[s] in STRIP:
        s += 1
    while e > s and text[e - 1] in STRIP:
        e -= 1
    return s, e


def answer_text(p: Passage, cues: Cues) -> str:
    """The quoted passage; a date written as "2021.5.25" is also given as "2021年5月25日"."""
    s, e = quote(p)
    said = p.doc.text[s:e]
    m = DATE.search(said) if "date" in asked_types(cues) else None
    if m and m.group(1) and not re.search(r"\d\s*日", m.group(0)):
        day = f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
        return f"{day}（报告原文：“{said}”）"
    return said


def citation(p: Passage) -> Citation:
    s, e = quote(p)
    text = p.doc.text
    return Citation(p.doc.name, p.chunk.section, text[s:e], s, e, p.chunk.id,
                    context=text[p.chunk.start:p.chunk.end], page=p.chunk.page)


def where(p: Passage) -> str:
    return "".join(b for b in (f"{p.doc.year}年" if p.doc.year else "", p.doc.org or p.doc.title or p.doc.name) if b)


def rows(cands: list[Passage]) -> np.ndarray:
    return np.array([[c.features[n] for n in NAMES] for c in cands]) if cands else np.zeros((0, len(NAMES)))


def right(ex: Example, said: str) -> bool:
    """Whether the eval would count ``said`` right for ``ex`` (gold contained, or character F1 high enough)."""
    from core.textmatch import TEXT_F1, char_f1, norm_text

    gold = norm_text(ex.answer)
    return bool(gold) and (gold in norm_text(said) or char_f1(said, ex.answer) >= TEXT_F1)


def positives(ex: Example, cands: list[Passage], cues: Cues) -> list[int]:
    """Passages in a gold document that overlap the gold evidence and give the gold answer (empty when none)."""
    if ex.type != "text":
        return []
    out = []
    spans: dict[str, tuple[int, int] | None] = {}
    for i, p in enumerate(cands):
        if ex.docs and p.doc.name not in ex.docs:
            continue
        if p.doc.id not in spans:
            spans[p.doc.id] = evidence_span(p.doc.text, ex.evidence) if ex.evidence else None
        span = spans[p.doc.id]
        if span is not None and not (p.start < span[1] and span[0] < p.end):
            continue
        if right(ex, answer_text(p, cues)):
            out.append(i)
    return out


def outcome(model: ScorerModel, g: Group, refuse: bool) -> tuple[float, bool, bool]:
    """(P of the top passage, whether it is right, whether the question should be refused)."""
    p, _ = model.probabilities(g.x)
    return (float(p.max()) if len(p) else 0.0), len(p) > 0 and int(p.argmax()) in g.positive, refuse


def best_threshold(outcomes: list[tuple[float, bool, bool]]) -> float:
    """The P(top) threshold with the best balance of outcomes: +1 for a right answer or a right refusal,
    -WRONG_COST for a passage quoted that does not answer (or answers a question the reports cannot);
    the lowest such threshold, so that refusals stay for when nothing fits."""
    best, best_score = 0.0, float("-inf")
    for t in sorted({0.0} | {top for top, _, _ in outcomes}):
        score = sum((1.0 if good else -WRONG_COST) if top >= t else float(no) for top, good, no in outcomes)
        if score > best_score:
            best, best_score = t, score
    return max(best - 1e-9, 0.0)


def cross_fit(groups: list[Group], refuse: list[bool], keys: list[str], l2: float | None = None) -> ScorerModel:
    """The model fit on all groups, with the threshold chosen on out-of-fold outcomes: each group scored by a
    model fit without the groups of its documents (``keys``), so that the threshold is not set on answers
    the model has learnt by heart."""
    l2 = L2 if l2 is None else l2
    model = fit(groups, names=NAMES, l2=l2)
    outcomes = [outcome(held, groups[i], refuse[i])
                for held, test in held_out(groups, keys, lambda train: fit(train, names=NAMES, l2=l2), FOLDS)
                for i in test]
    model.threshold = best_threshold(outcomes or [outcome(model, g, no) for g, no in zip(groups, refuse, strict=True)])
    model.info.update(route="text", l2=l2, refused_examples=sum(refuse))
    return model


def asks_words(question: str) -> bool:
    """Whether a question asks for words rather than a figure (as the Assistant routes it)."""
    return not asks_figure(read(question))


class TextRoute(FittedRoute[Passage]):
    """Text questions answered by quoting the passage the fitted scorer ranks first."""

    packaged = PACKAGED
    names = NAMES
    route = Route.TEXT
    cache_size = 2048

    def build(self, cues: Cues, src: Sources) -> list[Passage]:
        cands = passages(src.search(cues.question), src.doc_of, cues)
        featurize(cues, cands)
        return cands

    def ranked(self, question: str, src: Sources, generation: int) -> Ranked[Passage]:
        """The passages by fitted probability, leaving out those that cannot be about what the question names:
        a report that names its organisation and never the asked region, and a passage of a report of another
        year that does not mention the asked year (as the figure route leaves out other regions' reports)."""
        cues, cands = self.candidates(question, src, generation)
        elsewhere: dict[str, bool] = {}
        cands = [c for c in cands if about(c, cues, elsewhere)]
        return rank(self.model, cues, cands)

    def answer(self, question: str, src: Sources, generation: int) -> Answer:
        return self.unknown_region(question, src) or self._answer(question, self.ranked(question, src, generation))

    def _answer(self, question: str, r: Ranked[Passage]) -> Answer:
        top = r.top
        if top is None:
            return refusal(question, "检索不到与问题相关的报告内容", route=Route.TEXT)
        if top.score < self.model.threshold:
            return refusal(question, why_not(r), route=Route.TEXT)
        return Answer(question=question, answer=answer_text(top, r.cues), route=Route.TEXT,
                      citations=[citation(top)], org=top.doc.org or None, year=top.doc.year)

    def groups(self, examples: Sequence[Example], src: Sources, generation: int,
               progress: Callable[[int, int], None] | None = None) -> tuple[list[Group], list[bool], list[str]]:
        """Training groups of the text questions (and of the unanswerable ones that ask for words), whether
        each should be refused, and the document each is about. Text questions no passage answers are left out
        (retrieval missed them: nothing to learn from)."""
        groups, refuse, keys = [], [], []
        todo = [e for e in examples if e.type == "text" or (e.type == "unanswerable" and asks_words(e.question))]
        for i, ex in enumerate(todo):
            cues, cands = self.candidates(ex.question, src, generation)
            pos = positives(ex, cands, cues)
            if progress:
                progress(i + 1, len(todo))
            if ex.type == "text" and not pos:
                continue
            groups.append(Group(rows(cands), pos, ex.question))
            refuse.append(ex.type == "unanswerable")
            keys.append(fold_key(ex))
        return groups, refuse, keys

    def fit(self, examples: Sequence[Example], src: Sources, generation: int,
            progress: Callable[[int, int], None] | None = None) -> ScorerModel:
        """Fit a model on verified text questions (and unanswerable ones, which teach refusing) about the
        stored reports; the threshold is the one with the most right outcomes out of fold."""
        groups, refuse, keys = self.groups(examples, src, generation, progress)
        if not any(g.positive for g in groups):
            raise ReportQAError("no text questions with a passage holding their answer to fit the scorer on")
        return cross_fit(groups, refuse, keys)

    def explain(self, question: str, src: Sources, generation: int, top: int = 5) -> dict[str, Any]:
        """The asked kinds, the best passages with their scores and the features that moved them, the verdict."""
        r = self.ranked(question, src, generation)
        ans = self._answer(question, r)
        out = []
        for c in r.cands[:top]:
            contrib = self.model.contributions(np.array([c.features[n] for n in NAMES]))
            strongest = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))[:6]
            out.append({"doc": c.doc.name, "org": c.doc.org, "year": c.doc.year, "passage": c.text.strip(),
                        "kind": c.kind, "p": round(c.score, 4), "why": {k: round(v, 2) for k, v in strongest}})
        cues = r.cues
        return {"question": question,
                "parse": {"years": cues.years, "asks": asked_types(cues) or "-", "terms": cues.terms.split()},
                "threshold": round(self.model.threshold, 4), "p_none": round(r.p_none, 4),
                "candidates": out, "answer": ans.answer, "refused": ans.refused, "reason": ans.reason}


def about(p: Passage, cues: Cues, elsewhere: dict[str, bool]) -> bool:
    """Whether a passage can be about the region and year the question names (see ``TextRoute.ranked``);
    ``elsewhere`` remembers, per report, whether it is another region's."""
    doc = p.doc
    if doc.id not in elsewhere:
        regions = asked_regions(cues.question)
        grams = bigrams(normalize(doc.org + doc.title + doc.text)) if doc.org and regions else frozenset()
        elsewhere[doc.id] = any(not place_in(r, grams) for r in regions) if grams else False
    if elsewhere[doc.id]:
        return False
    if cues.years and doc.year is not None and doc.year not in cues.years:
        return any(str(y) in p.sentence or str(y) in p.text for y in cues.years)
    return True


def why_not(r: Ranked[Passage]) -> str:
    """The reason for a refusal, from what the best passage lacked."""
    top, cues = r.top, r.cues
    assert top is not None
    asked = cues.terms.strip() or cues.question
    place = top.chunk.section or top.doc.name
    if cues.years and not any(c.features.get("year_eq") or c.features.get("year_in_doc") for c in r.cands):
        years = "、".join(f"{y}年" for y in cues.years)
        return f"检索到的报告都不是{years}的，也没有提到{years}；最接近的是{where(top)}的报告（年度不符）"
    if top.features.get("i_ctx", 0.0) < 0.5:
        return f"报告中没有找到说“{asked}”的文字；最接近的内容在{where(top)}的报告（{place}），说的不是这个"
    return (f"报告中没有足够明确的文字回答“{asked}”；最接近的内容在{where(top)}的报告（{place}），"
            "但它与问题的吻合程度不足以作答")
