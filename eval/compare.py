"""Side-by-side comparison of two evaluation runs (report.json files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import BadInput


def _load(path: Path) -> dict[str, Any]:
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{path} does not exist; pass a report.json written by `reportqa eval`") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or "summary" not in doc or "items" not in doc:
        raise BadInput(f"{path} is not a report.json (expected keys 'summary' and 'items')")
    return doc


def _fmt(x: Any, pct: bool) -> str:
    if x is None:
        return "n/a"
    return f"{x:.1%}" if pct else str(x)


def _delta(a: Any, b: Any, pct: bool) -> str:
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return ""
    d = b - a
    if not d:
        return "="
    return f"{d:+.1%}" if pct else f"{d:+.6g}"


def _get(summary: dict[str, Any], dotted: str) -> Any:
    cur: Any = summary
    for part in dotted.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


ROWS = [("n", "n", False), ("accuracy", "accuracy", True), ("figure questions", "figure_questions.accuracy", True),
        ("wrong figures stated", "wrong_figures", False), ("answered precision", "answered_precision", True),
        ("refusal precision", "refusal.precision", True),
        ("refusal recall", "refusal.recall", True), ("refusals stating a figure", "refusal.with_figure", False),
        ("fabricated answers", "fabricated", False), ("citation accuracy", "citation_accuracy", True),
        ("hit@1", "retrieval.hit_at_1", True), ("hit@5", "retrieval.hit_at_5", True), ("MRR", "retrieval.mrr", False),
        ("latency p50 ms", "latency_ms.p50", False), ("latency p95 ms", "latency_ms.p95", False),
        ("errors", "errors", False)]


def _cell(text: Any, width: int = 0) -> str:
    s = str(text).replace("|", "\\|").replace("\n", " ")
    return s[:width] + "…" if width and len(s) > width else s


def compare(a: Path, b: Path) -> str:
    """A markdown side-by-side table of two runs: the summary, accuracy per type, then every question
    whose correctness changed (and the questions only one run has).

    Args:
        a: the baseline report.json (or the folder holding it).
        b: the new report.json (or folder).

    Returns:
        The comparison as markdown text.

    Raises:
        BadInput: a file is missing or not a report.json.
    """
    ra, rb = _load(a), _load(b)
    sa, sb = ra["summary"], rb["summary"]
    lines = [f"| metric | A: {_cell(sa.get('config'))} {_cell(sa.get('date'))} | "
             f"B: {_cell(sb.get('config'))} {_cell(sb.get('date'))} | B − A |", "|---|---:|---:|---:|"]
    for label, key, pct in ROWS:
        va, vb = _get(sa, key), _get(sb, key)
        lines.append(f"| {label} | {_fmt(va, pct)} | {_fmt(vb, pct)} | {_delta(va, vb, pct)} |")
    types = list(dict.fromkeys([*sa.get("by_type", {}), *sb.get("by_type", {})]))
    lines += ["", "| type | A correct/n | B correct/n | A accuracy | B accuracy | B − A |", "|---|---:|---:|---:|---:|---:|"]
    for t in types:
        ta, tb = sa.get("by_type", {}).get(t, {}), sb.get("by_type", {}).get(t, {})
        va, vb = ta.get("accuracy"), tb.get("accuracy")
        lines.append(f"| {t} | {ta.get('correct', 0)}/{ta.get('n', 0)} | {tb.get('correct', 0)}/{tb.get('n', 0)} | "
                     f"{_fmt(va, True)} | {_fmt(vb, True)} | {_delta(va, vb, True)} |")
    ia = {i["id"]: i for i in ra["items"]}
    ib = {i["id"]: i for i in rb["items"]}
    changed = [k for k in ia if k in ib and bool(ia[k]["correct"]) != bool(ib[k]["correct"])]
    fixed = sum(bool(ib[k]["correct"]) for k in changed)
    lines += ["", f"Changed: {len(changed)} questions ({fixed} now right, {len(changed) - fixed} now wrong)", ""]
    if changed:
        lines += ["| id | type | A | B | question | A got | B got | B why |", "|---|---|---|---|---|---|---|---|"]
        for k in changed:
            x, y = ia[k], ib[k]
            lines.append(f"| {_cell(k)} | {_cell(y['type'])} | {'✓' if x['correct'] else '✗'} | "
                         f"{'✓' if y['correct'] else '✗'} | {_cell(y['question'])} | {_cell(x['got'], 80)} | "
                         f"{_cell(y['got'], 80)} | {_cell(y.get('reason', ''), 120)} |")
    only_a, only_b = [k for k in ia if k not in ib], [k for k in ib if k not in ia]
    if only_a or only_b:
        lines += ["", f"Only in A: {', '.join(only_a) or '-'}", f"Only in B: {', '.join(only_b) or '-'}"]
    return "\n".join(lines) + "\n"
