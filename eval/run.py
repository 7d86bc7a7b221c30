"""Run a gold file through the assistant, score every answer, write the reports, check the CI floor."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

from core.answer import Answer
from core.errors import BadInput, IndexNotBuilt, ModelMismatch, UnknownBackend
from eval.gold import TYPES, GoldItem, load_gold
from eval.report import write_reports
from eval.score import ItemScore, score_item
from eval.summary import summarize

log = logging.getLogger(__name__)

# Errors that make every answer meaningless: stop the run instead of scoring them as wrong answers.
FATAL = (IndexNotBuilt, ModelMismatch, UnknownBackend)


def _ask_one(ask: Callable[[str], Answer], question: str) -> tuple[Answer, float, str]:
    t0 = perf_counter()
    try:
        answer = ask(question)
        error = ""
    except FATAL:
        raise
    except Exception as exc:  # one failing question must not end the run; it is scored wrong and shown
        error = f"ask() raised {type(exc).__name__}: {exc}"
        log.warning("%s on %r", error, question, exc_info=log.isEnabledFor(logging.DEBUG))
        answer = Answer(question=question, answer="", route="error", reason=error)
    return answer, (perf_counter() - t0) * 1000, error


def progress_bar(progress: bool = True) -> Any:
    """The run's progress bar on stderr (a rich ``Progress``; a no-op when ``progress`` is False). Tasks
    take a ``last`` field: the last question's id and verdict."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[last]}"))
    return Progress(*columns, console=Console(stderr=True), disable=not progress, transient=False)


def ask_and_score(items: list[GoldItem], ask: Callable[[str], Answer],
                  advance: Callable[[str], None] | None = None) -> list[ItemScore]:
    """Ask every question and score the answer; ``advance`` is called after each with "id ok|wrong".

    An exception from ``ask`` makes that answer wrong (route ``error``) and leaves it out of the citation
    and retrieval figures; ``FATAL`` exceptions stop the run.
    """
    scores: list[ItemScore] = []
    for item in items:
        answer, ms, error = _ask_one(ask, item.question)
        score = score_item(item, answer, ms)
        if error:
            score.correct, score.reason, score.citation_hit, score.retrieval_rank = False, error, None, None
        scores.append(score)
        if advance:
            advance(f"{item.id} {'ok' if score.correct else 'wrong'}")
    return scores


def load_items(gold_path: Path, limit: int | None = None) -> list[GoldItem]:
    """The gold items, only the first ``limit`` when given."""
    items = load_gold(gold_path)
    return items if limit is None else items[:max(limit, 0)]


def run_eval(gold_path: Path, ask: Callable[[str], Answer], out_dir: Path, *, limit: int | None = None,
             config: str = "default", progress: bool = True, per_doc: bool = False) -> dict[str, Any]:
    """Ask every gold question, score the answers and write report.json, report.md and report.html.

    Args:
        gold_path: the gold JSONL file.
        ask: answers one question (``Assistant.ask``, the same code path as the API).
        out_dir: where the reports go (created if needed).
        limit: only the first ``limit`` questions.
        config: the name of the system configuration, recorded in the reports.
        progress: show a progress bar on stderr.
        per_doc: add the per-document breakdown (``summary["by_doc"]`` and a table in each report).

    Returns:
        The summary (also ``report.json["summary"]``).

    Raises:
        BadInput: the gold file is invalid.
        IndexNotBuilt, ModelMismatch, UnknownBackend: the system cannot answer at all.
    """
    items = load_items(gold_path, limit)
    with progress_bar(progress) as bar:
        task = bar.add_task("eval", total=len(items), last="")
        scores = ask_and_score(items, ask, lambda last: bar.update(task, advance=1, last=last))
    summary = summarize(scores, config=config, gold=str(gold_path), per_doc=per_doc)
    write_reports(summary, scores, Path(out_dir))
    return summary


# floor key -> (how to read it from the summary, "min" or "max")
_FLOOR: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "accuracy": (lambda s: s["accuracy"], "min"),
    "refusal_precision": (lambda s: s["refusal"]["precision"], "min"),
    "refusal_recall": (lambda s: s["refusal"]["recall"], "min"),
    "citation_accuracy": (lambda s: s["citation_accuracy"], "min"),
    "hit_at_1": (lambda s: s["retrieval"]["hit_at_1"], "min"),
    "hit_at_5": (lambda s: s["retrieval"]["hit_at_5"], "min"),
    "mrr": (lambda s: s["retrieval"]["mrr"], "min"),
    "accuracy_figure": (lambda s: s["figure_questions"]["accuracy"], "min"),
    "answered_precision": (lambda s: s["answered_precision"], "min"),
    "wrong_figures_max": (lambda s: s["wrong_figures"], "max"),
    "fabricated_max": (lambda s: s["fabricated"], "max"),
    "refusal_with_figure_max": (lambda s: s["refusal"]["with_figure"], "max"),
    "errors_max": (lambda s: s["errors"], "max"),
    "latency_p95_max": (lambda s: s["latency_ms"]["p95"], "max"),
}


def _type_accuracy(qtype: str) -> Callable[[dict[str, Any]], Any]:
    return lambda s: s["by_type"].get(qtype, {}).get("accuracy")


for _t in TYPES:
    _FLOOR[f"accuracy_{_t}"] = (_type_accuracy(_t), "min")


def check_floor(summary: dict[str, Any], floor_path: Path) -> list[str]:
    """Compare a run's summary with the CI floor file.

    Keys ending in ``_max`` are upper limits, the others lower limits (see ``eval/README.md``). A
    metric that could not be measured (None: e.g. no unanswerable questions) only violates a floor
    above zero.

    Args:
        summary: what ``run_eval`` returned.
        floor_path: a JSON object such as ``{"accuracy": 0.8, "fabricated_max": 0}``.

    Returns:
        One message per violation; empty when the run meets the floor.

    Raises:
        BadInput: the floor file is missing, not a JSON object, or names an unknown metric.
    """
    try:
        floor = json.loads(Path(floor_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"floor file {floor_path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"floor file {floor_path} is not valid JSON: {exc}") from None
    if not isinstance(floor, dict):
        raise BadInput(f"floor file {floor_path} must hold a JSON object, got {type(floor).__name__}")
    unknown = [k for k in floor if k not in _FLOOR and not k.startswith("_")]
    if unknown:
        raise BadInput(f"floor file {floor_path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(_FLOOR)}")
    problems = []
    for key, limit in floor.items():
        if key.startswith("_"):
            continue  # comments
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise BadInput(f"floor file {floor_path}: {key} must be a number, got {limit!r}")
        read, kind = _FLOOR[key]
        got = read(summary)
        if got is None:
            if kind == "min" and limit > 0:
                problems.append(f"{key}: not measured in this run, floor {limit}")
        elif kind == "min" and got < limit:
            problems.append(f"{key}: {got} < floor {limit}")
        elif kind == "max" and got > limit:
            problems.append(f"{key}: {got} > allowed {limit}")
    return problems
