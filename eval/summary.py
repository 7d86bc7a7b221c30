"""The numbers of a run: accuracy, refusals, figures given and wrong, fabrication, evidence, latency, per document."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from eval.gold import FIGURE_QUESTION_TYPES, TYPES
from eval.score import ItemScore

NO_DOC = "(no document)"  # the by-document row of questions without a gold document (unanswerable)


def ratio(num: int, den: int) -> float | None:
    """num / den rounded to 4 places; None when den is 0 (nothing to measure)."""
    return round(num / den, 4) if den else None


def pct(x: float | None) -> str:
    """A ratio as a percentage for reports ("n/a" for None)."""
    return "n/a" if x is None else f"{x:.1%}"


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation; None for no values."""
    xs = sorted(values)
    if not xs:
        return None
    rank = (len(xs) - 1) * p / 100
    lo = int(rank)
    hi = min(lo + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (rank - lo), 1)


def _counts(scores: list[ItemScore]) -> dict[str, Any]:
    n = len(scores)
    correct = sum(s.correct for s in scores)
    return {"n": n, "correct": correct, "accuracy": ratio(correct, n) or 0.0}


def figure_counts(scores: list[ItemScore]) -> dict[str, Any]:
    """Figures given and how many were wrong.

    Returns:
        figure_questions {n, correct, accuracy} over numeric, computed and comparison questions;
        figures_given (figure questions answered, plus unanswerable questions answered with a figure);
        right_figures; wrong_figures (given − right: a wrong figure, or any figure for an unanswerable
        question); answered_precision (right ÷ given; None when nothing was given).
    """
    figure_questions = [s for s in scores if s.type in FIGURE_QUESTION_TYPES]
    given = [s for s in scores if s.figure_given]
    right = sum(s.correct for s in given)
    fq = _counts(figure_questions)
    return {
        "figure_questions": {**fq, "accuracy": ratio(fq["correct"], fq["n"])},
        "figures_given": len(given),
        "right_figures": right,
        "wrong_figures": sum(s.wrong_figure for s in scores),
        "answered_precision": ratio(right, len(given)),
    }


def doc_key(score: ItemScore) -> str:
    """The by-document row of a question: its gold document(s), or ``NO_DOC``."""
    return " + ".join(score.docs) if score.docs else NO_DOC


def by_doc(scores: list[ItemScore]) -> dict[str, dict[str, Any]]:
    """Per gold document (sorted by name, questions without a document last): n, correct, accuracy,
    refused, wrong_figures, fabricated. A question naming several documents has a row of its own."""
    groups: dict[str, list[ItemScore]] = {}
    for s in scores:
        groups.setdefault(doc_key(s), []).append(s)
    order = sorted(groups, key=lambda k: (k == NO_DOC, k))
    return {k: {**_counts(groups[k]), "refused": sum(s.refused for s in groups[k]),
                "wrong_figures": sum(s.wrong_figure for s in groups[k]),
                "fabricated": sum(bool(s.fabricated) for s in groups[k])} for k in order}


def summarize(scores: list[ItemScore], *, config: str = "default", gold: str = "",
              date: str | None = None, per_doc: bool = False) -> dict[str, Any]:
    """The numbers of one run.

    Args:
        scores: one verdict per gold question.
        config: the system configuration that answered (shown in reports and compare tables).
        gold: the gold file, for the record.
        date: ISO timestamp; defaults to now (UTC).
        per_doc: add ``by_doc`` (see ``by_doc``).

    Returns:
        n, correct, accuracy, by_type, figure_questions, by_route, refusal {precision, recall, …},
        answered, figures_given, right_figures, wrong_figures, answered_precision, fabricated (answers
        stating an unsupported figure), fabricated_figures, citation_accuracy, citation_n, retrieval
        {hit_at_1, hit_at_5, mrr, n}, latency_ms {p50, p95, max, by_route}, errors, config, gold, date
        (and by_doc). Ratios are None when nothing could be measured.
    """
    types = [t for t in TYPES if any(s.type == t for s in scores)]
    routes = sorted({s.route for s in scores})
    unanswerable = [s for s in scores if s.type == "unanswerable"]
    refused = [s for s in scores if s.refused]
    right_refusals = sum(s.type == "unanswerable" for s in refused)
    answered = [s for s in scores if not s.refused and s.route != "error"]
    cited = [s for s in scores if s.citation_hit is not None]
    ranked = [s.retrieval_rank for s in scores if s.retrieval_rank is not None]
    latencies = [s.latency_ms for s in scores]
    figs = figure_counts(scores)
    summary = {
        **_counts(scores),
        "by_type": {t: _counts([s for s in scores if s.type == t]) for t in types},
        "figure_questions": figs.pop("figure_questions"),
        "by_route": {r: _counts([s for s in scores if s.route == r]) for r in routes},
        "refusal": {
            "precision": ratio(right_refusals, len(refused)),
            "recall": ratio(right_refusals, len(unanswerable)),
            "refused": len(refused),
            "unanswerable": len(unanswerable),
            "with_figure": sum(s.refusal_with_figure for s in scores),
        },
        "answered": len(answered),
        **figs,
        "fabricated": sum(bool(s.fabricated) for s in answered),
        "fabricated_figures": sum(len(s.fabricated) for s in answered),
        "citation_accuracy": ratio(sum(bool(s.citation_hit) for s in cited), len(cited)),
        "citation_n": len(cited),
        "retrieval": {
            "hit_at_1": ratio(sum(r == 1 for r in ranked), len(ranked)),
            "hit_at_5": ratio(sum(1 <= r <= 5 for r in ranked), len(ranked)),
            "mrr": round(sum(1 / r for r in ranked if r) / len(ranked), 4) if ranked else None,
            "n": len(ranked),
        },
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "max": round(max(latencies), 1) if latencies else None,
            "by_route": {r: {"n": sum(s.route == r for s in scores),
                             "p50": percentile((s.latency_ms for s in scores if s.route == r), 50),
                             "p95": percentile((s.latency_ms for s in scores if s.route == r), 95)}
                         for r in routes},
        },
        "errors": sum(s.route == "error" for s in scores),
        "config": config,
        "gold": gold,
        "date": date or datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if per_doc:
        summary["by_doc"] = by_doc(scores)
    return summary


Table = tuple[str, str, list[str], list[list[str]]]  # title, note, header, rows (cells as text)


def breakdown_tables(summary: dict[str, Any]) -> list[Table]:
    """The optional tables of a summary, as text cells for report.md and report.html: per document
    (``by_doc``) and per fold (``folds``, from a leave-documents-out run)."""
    tables: list[Table] = []
    if "folds" in summary:
        f = summary["folds"]
        mean = f["mean"]
        note = (f"{f['method']} Mean over folds: accuracy {pct(mean['accuracy'])}, figure questions "
                f"{pct(mean['figure_accuracy'])}, answered precision {pct(mean['answered_precision'])}.")
        rows = [[str(x["fold"]), ", ".join(x["docs"]), str(x["n"]), str(x["train"]), str(x["correct"]),
                 pct(x["accuracy"]), pct(x["figure_accuracy"]), pct(x["answered_precision"]),
                 str(x["wrong_figures"]), pct(x["refusal_precision"]), str(x["fabricated"])] for x in f["per_fold"]]
        tables.append((f"Leave-documents-out folds ({f['k']})", note,
                       ["fold", "documents", "questions", "trained on", "correct", "accuracy", "figure questions",
                        "answered precision", "wrong figures", "refusal precision", "fabricated"], rows))
    if "by_doc" in summary:
        rows = [[d, str(v["n"]), str(v["correct"]), pct(v["accuracy"]), str(v["refused"]), str(v["wrong_figures"]),
                 str(v["fabricated"])] for d, v in summary["by_doc"].items()]
        tables.append(("By document", "", ["document", "questions", "correct", "accuracy", "refusals",
                                           "wrong figures", "fabricated"], rows))
    return tables
