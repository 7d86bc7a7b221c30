"""The scorer's answer threshold is chosen on answers given out of fold: a model that learns noise by heart
looks precise on its own questions and is not trusted for that; a model with real signal still answers."""

from __future__ import annotations

import numpy as np

from app.scoring.model import Group, choose_threshold, fit, fit_out_of_fold, threshold_for

NAMES = tuple(f"f{i}" for i in range(30))


def _groups(rng: np.random.Generator, n: int, signal: float) -> tuple[list[Group], list[str]]:
    """n questions of 6 candidates each, candidate 0 right; feature 0 marks it with strength ``signal``, the
    other features are noise. Each question is about its own document."""
    groups, keys = [], []
    for i in range(n):
        x = rng.normal(size=(6, len(NAMES)))
        x[0, 0] += signal
        groups.append(Group(x, [0], f"q{i}", keys=list(range(6))))
        keys.append(f"doc{i}")
    return groups, keys


def test_threshold_for_takes_the_lowest_that_holds_the_precision() -> None:
    tops = [(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.5, False)]
    assert threshold_for(tops, 0.75) == 0.6  # 3 right of 4 at 0.6
    assert threshold_for(tops, 1.0) == 0.8
    assert threshold_for([(0.9, False)], 0.97) == 0.99  # nothing holds: answer nothing short of certainty


def test_noise_learnt_by_heart_is_not_trusted() -> None:
    groups, keys = _groups(np.random.default_rng(0), 20, signal=0.0)  # 30 features of noise, 20 questions
    in_sample = fit(groups, names=NAMES, l2=0.0, steps=600)
    held_out = fit_out_of_fold(groups, keys, names=NAMES, l2=0.0, steps=600)
    assert choose_threshold(in_sample, groups, 0.97) < 0.7  # in sample the noise looks like a precise model
    assert held_out.threshold == 0.99  # out of fold it is seen for what it is: answer nothing
    assert held_out.info["threshold"].startswith("out of fold")


def test_real_signal_still_answers() -> None:
    groups, keys = _groups(np.random.default_rng(1), 60, signal=4.0)
    model = fit_out_of_fold(groups, keys, names=NAMES, steps=300)
    answered = sum(float(model.probabilities(g.x)[0].max()) >= model.threshold for g in groups)
    assert model.threshold < 0.9 and answered >= 30
