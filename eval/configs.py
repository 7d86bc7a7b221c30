"""Configurations side by side on one gold file: extractive, extractive + chat model where unsure (llm), and the
model alone over the top retrieved chunks (llm-only, the peers' design).

``reportqa eval GOLD --config extractive,llm,llm-only --out DIR`` writes each run's reports to DIR/<config>/ and
the comparison to DIR/configs.md and DIR/configs.json: accuracy, answered precision, wrong figures stated,
fabricated figures, seconds per answer, model calls, seconds per model call and generated tokens per second.
``stratified`` picks a bench subset of a gold file (the model costs seconds per answer).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from time import perf_counter
from typing import Any, Protocol

from core.answer import Answer
from eval.gold import GoldItem, load_gold
from eval.run import run_eval


class Asker(Protocol):
    def ask(self, question: str) -> Answer: ...

    @property
    def reader(self) -> Any: ...


def run_configs(gold: Path, configs: Sequence[str], make: Callable[[str], Asker], out_dir: Path, *,
                limit: int | None = None, per_doc: bool = False, progress: bool = True) -> list[dict[str, Any]]:
    """Run the gold file once per configuration and write the side-by-side table."""
    rows = []
    for config in configs:
        a = make(config)
        t0 = perf_counter()
        summary = run_eval(gold, a.ask, out_dir / config, limit=limit, config=config, progress=progress,
                           per_doc=per_doc)
        wall = perf_counter() - t0
        reader = a.reader
        stats = reader.model.stats.as_dict() if reader is not None else None
        n = summary["n"]
        row = {"config": config, "n": n, "accuracy": summary["accuracy"],
               "figure_accuracy": summary["figure_questions"]["accuracy"],
               "answered_precision": summary["answered_precision"], "wrong_figures": summary["wrong_figures"],
               "fabricated": summary["fabricated"], "refused": _refused(out_dir / config),
               "seconds_per_answer": round(wall / n, 2) if n else None, "model": stats,
               "model_id": getattr(reader.model, "model_id", None) if reader is not None else None}
        (out_dir / config / "config.json").write_text(json.dumps(row, ensure_ascii=False, indent=1), encoding="utf-8")
        rows.append(row)
    (out_dir / "configs.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "configs.md").write_text(table(rows) + "\n", encoding="utf-8")
    return rows


def _refused(run_dir: Path) -> int:
    items = json.loads((run_dir / "report.json").read_text(encoding="utf-8")).get("items", [])
    return sum(1 for i in items if i.get("refused"))


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def table(rows: list[dict[str, Any]]) -> str:
    """The runs as one markdown table. Model speed: tokens read and generated per second of model time, and
    generated tokens per second of model time (reading the prompt included, as a user waits for it)."""
    head = ("| config | questions | right | figure questions right | answered precision (figures) | wrong figures "
            "stated | fabricated | refused | s / answer | model calls | s / model call | tokens read + generated / s "
            "| generated tokens / s |")
    out = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        m = r["model"] or {}
        calls, secs = m.get("calls", 0), m.get("seconds", 0.0)
        per_call = f"{secs / calls:.1f}" if calls else "—"
        both = f"{(m['prompt_tokens'] + m['completion_tokens']) / secs:.1f}" if calls and secs else "—"
        gen = f"{m['completion_tokens'] / secs:.2f}" if calls and secs else "—"
        out.append(f"| {r['config']} | {r['n']} | {_pct(r['accuracy'])} | {_pct(r['figure_accuracy'])} | "
                   f"{_pct(r['answered_precision'])} | {r['wrong_figures']} | {r['fabricated']} | {r['refused']} | "
                   f"{r['seconds_per_answer']} | {calls or '—'} | {per_call} | {both} | {gen} |")
    return "\n".join(out)


def stratified(items: list[GoldItem], per_type: dict[str, int]) -> list[GoldItem]:
    """Evenly spaced items of each question type (``per_type[type]`` of them), in file order."""
    out: list[GoldItem] = []
    for qtype, k in per_type.items():
        pool = [i for i in items if i.type == qtype]
        if k >= len(pool):
            out += pool
            continue
        out += [pool[round(j * len(pool) / k)] for j in range(k)]
    order = {id(i): n for n, i in enumerate(items)}
    return sorted(out, key=lambda i: order[id(i)])


def write_subset(paths: Sequence[tuple[Path, dict[str, int]]], target: Path) -> int:
    """A bench gold file: a stratified subset of each gold file, their lines as they are."""
    lines = []
    for path, per_type in paths:
        keep = {i.id for i in stratified(load_gold(path), per_type)}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("id") in keep:
                lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
