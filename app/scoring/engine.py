"""The scored answer route: candidates for a question, the fitted model over them, fitting on verified questions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.routes import Route
from app.scoring.candidates import Candidate, DocView, candidates
from app.scoring.cues import Cues
from app.scoring.decide import answer, figure_key
from app.scoring.features import NAMES, featurize
from app.scoring.labels import positives
from app.scoring.model import PACKAGED, Group, ScorerModel, fit_out_of_fold, fold_key
from app.scoring.route import FittedRoute, Ranked, rank
from core.answer import Answer
from core.errors import ReportQAError
from core.records import Chunk, Example, Figure

TRAINED_TYPES = ("numeric", "computed", "unanswerable")


@dataclass
class Sources:
    """What the engine reads from the stores for one question."""

    search: Callable[[str], list[tuple[Chunk, float, float]]]  # question -> (chunk, dense, bm25), best first
    doc_of: Callable[[str], DocView]
    figures: Callable[[list[str]], list[Figure]]
    rule: Callable[[str], tuple[str, float] | None]  # the old rule path's (document, value), if it answered
    mentioned: Callable[[str], bool]  # whether any stored report mentions a place or body


def admissible(c: Candidate) -> bool:
    """Whether a candidate can be the answer at all: not from a report that never mentions a place the question
    names, and not of another kind than the question says outright (an amount for 执行率是多少, a rate for 多少万元;
    none of the 389 right answers in the verified questions the scorer is fit on is such a candidate)."""
    return not c.features["place_absent"] and not c.features["kind_clash"]


class ScoredRoute(FittedRoute[Candidate]):
    """Figure questions answered by the fitted scorer."""

    packaged = PACKAGED
    names = NAMES
    route = Route.SCORED

    def build(self, cues: Cues, src: Sources) -> list[Candidate]:
        cands = candidates(src.search(cues.question), src.doc_of, src.figures)
        featurize(cues, cands, src.rule(cues.question))
        return cands

    def ranked(self, question: str, src: Sources, generation: int) -> Ranked[Candidate]:
        """The candidates by fitted probability. A report that never mentions a place the question names
        cannot state that place's figure, so its candidates are left out (a report that mentions it inside,
        such as a city report's breakdown by district, stays in)."""
        cues, cands = self.candidates(question, src, generation)
        return rank(self.model, cues, [c for c in cands if admissible(c)])

    def answer(self, question: str, src: Sources, generation: int) -> Answer:
        return self.unknown_region(question, src) or answer(question, self.model, self.ranked(question, src, generation))

    def fit(self, examples: Sequence[Example], src: Sources, generation: int,
            progress: Callable[[int, int], None] | None = None) -> ScorerModel:
        """Fit a model on verified questions about the stored reports (the stores must hold their documents)."""
        groups, docs = [], []
        todo = [e for e in examples if e.type in TRAINED_TYPES]
        for i, ex in enumerate(todo):
            _, cands = self.candidates(ex.question, src, generation)
            cands = [c for c in cands if admissible(c)]  # as ``ranked`` leaves them out
            pos = positives(ex, cands)
            if ex.type == "computed" and not pos:
                continue  # worked out from several figures: not a look-up to learn from
            x = np.array([[c.features[n] for n in NAMES] for c in cands]) if cands else np.zeros((0, len(NAMES)))
            groups.append(Group(x, pos, ex.question, keys=[figure_key(c) for c in cands]))
            docs.append(fold_key(ex))
            if progress:
                progress(i + 1, len(todo))
        if not groups:
            raise ReportQAError("no figure questions to fit the scorer on")
        return fit_out_of_fold(groups, docs)

    def explain(self, question: str, src: Sources, generation: int, top: int = 5) -> dict[str, Any]:
        """The parse, the best candidates with their scores and the features that moved them, and the verdict."""
        r = self.ranked(question, src, generation)
        ans = answer(question, self.model, r)
        rows = []
        for c in r.cands[:top]:
            x = np.array([c.features[n] for n in NAMES])
            contrib = self.model.contributions(x)
            strongest = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))[:6]
            rows.append({"doc": c.doc.name, "org": c.doc.org, "year": c.doc.year, "figure": c.quantity.text,
                         "clause": c.clause.strip(), "p": round(c.score, 4),
                         "why": {k: round(v, 2) for k, v in strongest}})
        cues = r.cues
        return {"question": question,
                "parse": {"years": cues.years, "asks": cues.kind or "-", "unit": cues.unit or "-",
                          "change": cues.change, "target": cues.target, "terms": cues.terms.split()},
                "threshold": round(self.model.threshold, 4), "p_none": round(r.p_none, 4),
                "candidates": rows, "answer": ans.answer, "refused": ans.refused, "reason": ans.reason}
