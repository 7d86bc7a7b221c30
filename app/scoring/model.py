"""The fitted scorer: a conditional logit over a question's candidates plus a "none of them" option.

For one question with candidates x_1..x_n, P(candidate i) = exp(w·z_i) / (exp(b) + Σ_j exp(w·z_j)) where z is
the standardised feature vector and b the learned score of "the reports do not state it". It is fit on
verified questions (unanswerable ones, and answerable ones whose figure no candidate holds, teach b), and the
answer threshold on P is chosen for precision on answers given out of fold (``fit_out_of_fold``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app.scoring.features import NAMES
from core.errors import ReportQAError

if TYPE_CHECKING:
    from core.records import Example

PACKAGED = Path(__file__).with_name("scorer.json")


@dataclass
class Group:
    """One training question: its candidates' feature rows and which of them are right (none: refuse)."""

    x: np.ndarray  # (n, d)
    positive: list[int]
    qid: str = ""
    weight: float = 1.0  # how much this question counts in the fit
    keys: list[object] | None = None  # each candidate's figure (same key: the same answer), for ``best_answer``


def best_answer(p: np.ndarray, keys: list[object] | None) -> tuple[float, list[int]]:
    """The answer with the highest probability and the candidates stating it: candidates that state the same
    figure (same ``keys``) are one answer, their probabilities summed (the fit rewards putting the mass on
    any of a question's right candidates, so the decision counts it the same way). Without keys each
    candidate is its own answer."""
    if not len(p):
        return 0.0, []
    if keys is None:
        i = int(p.argmax())
        return float(p[i]), [i]
    total: dict[object, float] = {}
    members: dict[object, list[int]] = {}
    for i, k in enumerate(keys):
        total[k] = total.get(k, 0.0) + float(p[i])
        members.setdefault(k, []).append(i)
    best = max(total, key=lambda k: total[k])
    return total[best], members[best]


@dataclass
class ScorerModel:
    names: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    w: np.ndarray
    b_null: float
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def scores(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.std) @ self.w  # type: ignore[no-any-return]

    def probabilities(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """(P per candidate, P of none) for one question's feature rows."""
        if len(x) == 0:
            return np.zeros(0), 1.0
        s = self.scores(x)
        top = max(float(s.max()), self.b_null)
        e = np.exp(s - top)
        n = float(np.exp(self.b_null - top))
        total = float(e.sum()) + n
        return e / total, n / total

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """Each feature's share of one candidate's score (for `reportqa explain`)."""
        z = (row - self.mean) / self.std * self.w
        return {n: float(v) for n, v in zip(self.names, z, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {"names": list(self.names), "mean": self.mean.tolist(), "std": self.std.tolist(),
                "w": self.w.tolist(), "b_null": self.b_null, "threshold": self.threshold, "info": self.info}

    @classmethod
    def from_json(cls, d: dict[str, Any], names_expected: tuple[str, ...] = NAMES) -> ScorerModel:
        names = tuple(str(n) for n in d["names"])
        if names != names_expected:
            raise ReportQAError("the packaged scorer was fit on other features than this code computes; "
                                "refit it with `reportqa train` (see README, Development)")
        return cls(names, np.array(d["mean"]), np.array(d["std"]), np.array(d["w"]), float(d["b_null"]),
                   float(d["threshold"]), dict(d.get("info") or {}))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path = PACKAGED, names: tuple[str, ...] = NAMES) -> ScorerModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")), names)


@dataclass
class Scorers:
    """The fitted models the Assistant answers with: figures, and text (None: none could be fit)."""

    figures: ScorerModel
    text: ScorerModel | None = None


def refuse_all(names: tuple[str, ...]) -> ScorerModel:
    """A model that answers nothing (every probability is below its threshold)."""
    d = len(names)
    return ScorerModel(names, np.zeros(d), np.ones(d), np.zeros(d), 0.0, threshold=1.01,
                       info={"refuses": "all"})


def fit(groups: list[Group], *, names: tuple[str, ...] = NAMES, l2: float = 0.02, steps: int = 600,
        lr: float = 0.05, min_precision: float = 0.97, refusal_weight: float = 1.0) -> ScorerModel:
    """Fit weights by gradient descent on the conditional log-likelihood, then pick the answer threshold.

    Questions with no right candidate (unanswerable, or their figure is not among the candidates) count
    ``refusal_weight`` times: a wrong figure costs more than a refusal.
    """
    for g in groups:
        if not g.positive:
            g.weight = refusal_weight
    rows = np.vstack([g.x for g in groups if len(g.x)]) if any(len(g.x) for g in groups) else np.zeros((1, len(names)))
    mean, std = rows.mean(axis=0), rows.std(axis=0)
    std[std < 1e-6] = 1.0
    zs = [(g.x - mean) / std for g in groups]
    d = len(names)
    w, b = np.zeros(d), 0.0
    m_w, v_w, m_b, v_b = np.zeros(d), np.zeros(d), 0.0, 0.0
    for t in range(1, steps + 1):
        gw: np.ndarray = l2 * w
        gb = 0.0
        for z, g in zip(zs, groups, strict=True):
            s = z @ w if len(z) else np.zeros(0)
            top = max(float(s.max()) if len(s) else b, b)
            e, en = np.exp(s - top), float(np.exp(b - top))
            total = float(e.sum()) + en
            p, pn = e / total, en / total
            # target distribution: uniform over the positives, or all mass on "none"
            if g.positive:
                pos = np.zeros(len(s))
                pe = e[g.positive]
                pos[g.positive] = pe / pe.sum()
                if len(z):
                    gw = gw + g.weight * ((p - pos) @ z)
                gb += g.weight * pn
            else:
                if len(z):
                    gw = gw + g.weight * (p @ z)
                gb += g.weight * (pn - 1.0)
        total_weight = sum(g.weight for g in groups)
        gw = gw / total_weight
        gb = gb / total_weight
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw * gw
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb * gb
        w -= lr * (m_w / (1 - 0.9 ** t)) / (np.sqrt(v_w / (1 - 0.999 ** t)) + 1e-8)
        b -= lr * (m_b / (1 - 0.9 ** t)) / (np.sqrt(v_b / (1 - 0.999 ** t)) + 1e-8)
    model = ScorerModel(names, mean, std, w, b)
    model.threshold = choose_threshold(model, groups, min_precision)
    model.info = {"questions": len(groups), "with_answer": sum(bool(g.positive) for g in groups)}
    return model


def fold_of(key: str, folds: int) -> int:
    """The fold of a document (or question) key: stable across runs and machines."""
    return int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16) % folds


def fold_key(ex: Example) -> str:
    """What keeps a verified question in one fold: the document it is about (the question itself without one)."""
    return ex.docs[0] if ex.docs else ex.question


def held_out(groups: list[Group], keys: list[str], fit_one: Callable[[list[Group]], ScorerModel],
             folds: int) -> Iterator[tuple[ScorerModel, list[int]]]:
    """For each fold by document (``keys``): a model fit on the other folds' groups, and the indexes of the fold's
    groups; a fold with no group, or with no answerable question left to fit on, is skipped."""
    for k in range(folds):
        test = [i for i, key in enumerate(keys) if fold_of(key, folds) == k]
        train = [g for g, key in zip(groups, keys, strict=True) if fold_of(key, folds) != k]
        if test and any(g.positive for g in train):
            yield fit_one(train), test


def fit_out_of_fold(groups: list[Group], keys: list[str], *, folds: int = 5, min_precision: float = 0.97,
                    **kw: Any) -> ScorerModel:
    """The model fit on all groups, its answer threshold chosen on out-of-fold answers: each question answered
    by a model fit without the questions about its documents (``keys``), so that the threshold holds for reports
    the model has not seen instead of for answers it has learnt by heart (in-sample, a threshold set for 97%
    precision gave about 92% on documents left out)."""
    model = fit(groups, min_precision=min_precision, **kw)
    tops = [top for held, test in held_out(groups, keys, lambda train: fit(train, min_precision=min_precision, **kw),
                                           folds)
            for top in answered(held, [groups[i] for i in test])]
    if tops:
        model.threshold = threshold_for(tops, min_precision)
        model.info["threshold"] = f"out of fold ({folds} folds by document)"
    return model


def answered(model: ScorerModel, groups: list[Group]) -> list[tuple[float, bool]]:
    """For each group with candidates: the probability of the model's answer and whether it is right."""
    tops = []
    for g in groups:
        p, _ = model.probabilities(g.x)
        if len(p):
            top, members = best_answer(p, g.keys)
            tops.append((top, any(i in g.positive for i in members)))
    return tops


def choose_threshold(model: ScorerModel, groups: list[Group], min_precision: float) -> float:
    """The lowest P(top) threshold whose answers on ``groups`` are right at least ``min_precision`` of the time."""
    return threshold_for(answered(model, groups), min_precision)


def threshold_for(tops: list[tuple[float, bool]], min_precision: float) -> float:
    """The lowest threshold at which the answers (probability, right) above it are right ``min_precision`` of
    the time."""
    tops = sorted(tops, reverse=True)
    best, right = 0.99, 0
    for k, (top_p, ok) in enumerate(tops, start=1):
        right += ok
        if right / k >= min_precision:
            best = top_p
    return max(min(best, 0.99), 0.05)
