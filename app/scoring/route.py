"""What the two scored routes (figures, passages) share: the fitted model in use, candidates cached per store
generation, the candidates ranked by probability, and the refusal for a region no report mentions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import numpy as np

from app.scoring.cues import Cues, read
from app.scoring.features import asked_regions
from app.scoring.model import ScorerModel
from core.answer import Answer, refusal
from core.errors import ReportQAError

if TYPE_CHECKING:
    from app.scoring.engine import Sources


class Scored(Protocol):
    features: dict[str, float]
    score: float


C = TypeVar("C", bound=Scored)


@dataclass
class Ranked(Generic[C]):
    """A question's candidates, best first, with P(candidate) and P(none)."""

    cues: Cues
    cands: list[C]
    p_none: float

    @property
    def top(self) -> C | None:
        return self.cands[0] if self.cands else None


def rank(model: ScorerModel, cues: Cues, cands: list[C]) -> Ranked[C]:
    """Score every candidate with the fitted model and sort them."""
    x = np.array([[c.features[n] for n in model.names] for c in cands]) if cands else np.zeros((0, len(model.names)))
    p, p_none = model.probabilities(x)
    for c, s in zip(cands, p, strict=True):
        c.score = float(s)
    return Ranked(cues, sorted(cands, key=lambda c: -c.score), p_none)


class FittedRoute(Generic[C]):
    """A route answered by a model fit on verified questions; subclasses say what their candidates are."""

    packaged: Path
    names: tuple[str, ...]
    route: str
    cache_size = 4096

    def __init__(self, model: ScorerModel | None = None) -> None:
        self._model = model
        self._cache: dict[tuple[int, str], tuple[Cues, list[C]]] = {}

    @property
    def model(self) -> ScorerModel:
        if self._model is None:
            if not self.packaged.exists():
                raise ReportQAError(f"no fitted scorer at {self.packaged}; run `reportqa train GOLD.jsonl` to fit one")
            self._model = ScorerModel.load(self.packaged, self.names)
        return self._model

    def use(self, model: ScorerModel | None) -> None:
        """Answer with ``model`` from now on (None: the packaged one)."""
        self._model = model

    def candidates(self, question: str, src: Sources, generation: int) -> tuple[Cues, list[C]]:
        """The question's cues and its featurised candidates (cached per store generation)."""
        key = (generation, question)
        if key not in self._cache:
            if len(self._cache) > self.cache_size:
                self._cache.clear()
            cues = read(question)
            self._cache[key] = (cues, self.build(cues, src))
        return self._cache[key]

    def build(self, cues: Cues, src: Sources) -> list[C]:
        """The featurised candidates for one question."""
        raise NotImplementedError

    def unknown_region(self, question: str, src: Sources) -> Answer | None:
        """A refusal when the question names a region no stored report mentions."""
        unknown = [p for p in asked_regions(question) if not src.mentioned(p)]
        if unknown:
            return refusal(question, f"没有任何已导入的报告提到“{unknown[0]}”", route=self.route)
        return None
