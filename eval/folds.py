"""Leave-documents-out evaluation: split the gold by document into K folds; answer each fold with an
answer scorer fit only on the questions of the other folds, so no question is scored by a model that saw
its document."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any, TypeVar

from core.answer import Answer
from core.errors import BadInput
from core.records import Example
from eval.gold import GoldItem, to_example
from eval.report import write_reports
from eval.run import ask_and_score, load_items, progress_bar
from eval.score import ItemScore
from eval.summary import summarize

M = TypeVar("M")

METHOD = ("Folds by document: the gold's document names are sorted and dealt round-robin (the i-th name, "
          "counting from 0, goes to fold i mod K + 1); a question naming several documents goes with the "
          "first of them. Questions without a document (unanswerable) are spread over the folds by a stable "
          "hash of their id (CRC-32 mod K). Each fold is answered by a scorer fit on the questions of the "
          "other folds that share no document with it; the summary pools every question.")


def doc_folds(items: list[GoldItem], k: int) -> dict[str, int]:
    """Each gold document's fold (0-based): the sorted names dealt round-robin into ``k`` folds.

    Raises:
        BadInput: ``k`` < 2, or fewer documents than folds.
    """
    names = sorted({d for item in items for d in item.docs})
    if k < 2:
        raise BadInput(f"--folds needs at least 2 folds, got {k}")
    if len(names) < k:
        raise BadInput(f"--folds {k} needs at least {k} gold documents; the gold names {len(names)}")
    return {name: i % k for i, name in enumerate(names)}


def assign_folds(items: list[GoldItem], k: int) -> list[int]:
    """The fold (0-based) of each item, in order: its first document's fold, or for an item without a
    document the CRC-32 of its id mod ``k`` (see ``METHOD``)."""
    by_doc = doc_folds(items, k)
    return [by_doc[item.docs[0]] if item.docs else zlib.crc32(item.id.encode("utf-8")) % k for item in items]


def training_items(items: list[GoldItem], folds: list[int], fold: int) -> list[GoldItem]:
    """The items a scorer for ``fold`` may learn from: those of the other folds that name none of the
    documents of ``fold``'s items (a comparison across two folds is left out of both)."""
    held_out = {d for item, f in zip(items, folds, strict=True) if f == fold for d in item.docs}
    return [item for item, f in zip(items, folds, strict=True)
            if f != fold and not held_out.intersection(item.docs)]


def fold_row(fold: int, items: list[GoldItem], scores: list[ItemScore], n_train: int,
             fit_s: float) -> dict[str, Any]:
    """One fold's line in the summary: its documents, sizes and headline numbers."""
    s = summarize(scores)
    return {
        "fold": fold + 1,
        "docs": sorted({d for item in items for d in item.docs}),
        "without_doc": [item.id for item in items if not item.docs],
        "n": s["n"], "train": n_train, "fit_s": round(fit_s, 1), "correct": s["correct"],
        "accuracy": s["accuracy"] if s["n"] else None,
        "figure_accuracy": s["figure_questions"]["accuracy"],
        "answered_precision": s["answered_precision"], "wrong_figures": s["wrong_figures"],
        "refusal_precision": s["refusal"]["precision"], "refusal_recall": s["refusal"]["recall"],
        "fabricated": s["fabricated"],
    }


def _mean(rows: list[dict[str, Any]], key: str) -> float | None:
    xs = [r[key] for r in rows if r[key] is not None]
    return round(sum(xs) / len(xs), 4) if xs else None


def fold_block(k: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``summary["folds"]``: k, how the folds were made, the mean over folds, and one row per fold."""
    mean = {key: _mean(rows, key) for key in ("accuracy", "figure_accuracy", "answered_precision")}
    return {"k": k, "method": METHOD, "mean": mean, "per_fold": rows}


def other_examples(gold_path: Path, paths: list[Path]) -> list[Example]:
    """Verified questions from other gold files to add to every fold's fit (``--fit-also``).

    Raises:
        BadInput: one of them names a document of the gold being scored (it would leak into the folds).
    """
    scored = {d for item in load_items(gold_path, None) for d in item.docs}
    out = []
    for path in paths:
        for item in load_items(path, None):
            shared = scored.intersection(item.docs)
            if shared:
                raise BadInput(f"{path}: question {item.id} is about {sorted(shared)[0]}, a document of "
                               f"{gold_path}; --fit-also takes questions about other reports only")
            out.append(to_example(item))
    return out


Fit = Callable[[list[Example], Callable[[int, int], None]], M]  # (examples, progress(done, total)) -> model


def run_folds(gold_path: Path, ask: Callable[[str], Answer], fit: Fit[M],
              use: Callable[[M | None], None], out_dir: Path, *, k: int = 5, limit: int | None = None,
              config: str = "default", progress: bool = True, per_doc: bool = False) -> dict[str, Any]:
    """The leave-documents-out run: for each fold, ``use(fit(examples of the other folds))``, then ask
    and score the fold's questions; ``use(None)`` afterwards (also on error) restores the packaged
    scorer. Writes report.json/.md/.html over all questions, with a per-fold table.

    Args:
        gold_path: the gold JSONL file.
        ask: answers one question with the scorer in use (``Assistant.ask``).
        fit: fits a scorer on examples, reporting progress as (done, total) (``Assistant.fit_scorer``).
        use: puts a fitted scorer in use, or the packaged one for None (``Assistant.use_scorer``).
        out_dir: where the reports go.
        k: the number of folds.
        limit: only the first ``limit`` questions.
        config: the system configuration's name, for the reports.
        progress: show a progress bar on stderr.
        per_doc: add the per-document breakdown.

    Returns:
        The summary, with ``folds`` (see ``fold_block``).

    Raises:
        BadInput: invalid gold file, or fewer documents than folds.
    """
    items = load_items(gold_path, limit)
    folds = assign_folds(items, k)
    by_index: dict[int, ItemScore] = {}
    rows = []
    try:
        with progress_bar(progress) as bar:
            task = bar.add_task("folds", total=len(items), last="")
            for fold in range(k):
                train = training_items(items, folds, fold)
                mine = [i for i, f in enumerate(folds) if f == fold]
                if not mine:  # only with --limit
                    continue
                label = f"fold {fold + 1}/{k}"
                bar.update(task, description=f"{label}: fitting on {len(train)}")

                def fitting(done: int, total: int, label: str = label) -> None:
                    bar.update(task, description=f"{label}: fitting {done}/{total}")

                t0 = perf_counter()
                use(fit([to_example(item) for item in train], fitting))
                fit_s = perf_counter() - t0
                bar.update(task, description=label)
                scores = ask_and_score([items[i] for i in mine], ask,
                                       lambda last: bar.update(task, advance=1, last=last))
                by_index.update(zip(mine, scores, strict=True))
                rows.append(fold_row(fold, [items[i] for i in mine], scores, len(train), fit_s))
    finally:
        use(None)
    all_scores = [by_index[i] for i in range(len(items))]
    summary = summarize(all_scores, config=f"{config}, {k}-fold leave-documents-out", gold=str(gold_path),
                        per_doc=per_doc)
    summary["folds"] = fold_block(k, rows)
    write_reports(summary, all_scores, Path(out_dir))
    return summary
