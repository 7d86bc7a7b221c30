"""report.json, report.md and report.html of a run (the numbers come from ``eval.summary``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from eval.page import render_html
from eval.score import ItemScore
from eval.summary import breakdown_tables
from eval.summary import pct as _pct


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _align(rows: list[list[str]], width: int) -> str:
    """The markdown alignment row: numbers to the right, text to the left."""
    numeric = [all(re.fullmatch(r"[-\d.%]+|n/a", r[i]) for r in rows) for i in range(width)]
    return "|" + "".join("---:|" if num and i else "---|" for i, num in enumerate(numeric))


def render_markdown(summary: dict[str, Any], scores: list[ItemScore]) -> str:
    """report.md: the summary tables, then every failure and every flagged answer."""
    s, ref, ret, lat = summary, summary["refusal"], summary["retrieval"], summary["latency_ms"]
    fq = s["figure_questions"]
    lines = [
        f"# reportqa evaluation — {s['config']}, {s['date']}",
        "",
        f"Gold: `{s['gold']}` — {s['n']} questions, **accuracy {_pct(s['accuracy'])}** ({s['correct']}/{s['n']})",
        "",
        "| type | n | correct | accuracy |", "|---|---:|---:|---:|",
        *[f"| {t} | {v['n']} | {v['correct']} | {_pct(v['accuracy'])} |" for t, v in s["by_type"].items()],
        "",
        f"- Refusals: precision {_pct(ref['precision'])}, recall {_pct(ref['recall'])} "
        f"({ref['refused']} refused, {ref['unanswerable']} unanswerable, {ref['with_figure']} refusals state a figure)",
        f"- Figure questions (numeric, computed, comparison): {_pct(fq['accuracy'])} ({fq['correct']}/{fq['n']})",
        f"- **Wrong figures stated: {s['wrong_figures']}**; answered precision {_pct(s['answered_precision'])} "
        f"({s['right_figures']} right of {s['figures_given']} figures given; a figure given to an unanswerable "
        "question counts as wrong)",
        f"- Fabricated: {s['fabricated']} of {s['answered']} answers state a figure found in no evidence "
        f"({s['fabricated_figures']} figures)",
        f"- Citations: {_pct(s['citation_accuracy'])} of {s['citation_n']} answered questions cite the gold evidence",
        f"- Retrieval ({ret['n']} questions): hit@1 {_pct(ret['hit_at_1'])}, hit@5 {_pct(ret['hit_at_5'])}, "
        f"MRR {ret['mrr'] if ret['mrr'] is not None else 'n/a'}",
        f"- Latency: p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms; errors: {s['errors']}",
        "",
        "| route | n | p50 ms | p95 ms | accuracy |", "|---|---:|---:|---:|---:|",
        *[f"| {r} | {v['n']} | {v['p50']} | {v['p95']} | {_pct(s['by_route'][r]['accuracy'])} |"
          for r, v in lat["by_route"].items()],
        "",
    ]
    for title, note, header, rows in breakdown_tables(s):
        lines += [f"## {title}", "", *([note, ""] if note else []), "| " + " | ".join(header) + " |",
                  _align(rows, len(header)), *["| " + " | ".join(_md(c) for c in r) + " |" for r in rows], ""]
    failures = [x for x in scores if not x.correct]
    lines += [f"## Failures ({len(failures)})", ""]
    for x in failures:
        wrong = " — **wrong figure stated**" if x.wrong_figure else ""
        lines += [f"- **{_md(x.id)}** ({x.type}, route {x.route}) {_md(x.question)}{wrong}",
                  f"  - expected: {_md(x.expected)}", f"  - got: {_md(x.got)}", f"  - why: {_md(x.reason)}"]
        lines += [f"  - cited: [{_md(c['doc'])}] {_md(c['text'])}" for c in x.citations[:3]]
    flagged = [x for x in scores if x.fabricated or x.refusal_with_figure or x.citation_hit is False]
    lines += ["", f"## Flags ({len(flagged)})", ""]
    for x in flagged:
        flags = ([f"fabricated: {', '.join(x.fabricated)}"] if x.fabricated else []) + \
            (["refusal states a figure"] if x.refusal_with_figure else []) + \
            (["gold evidence not cited"] if x.citation_hit is False else [])
        lines.append(f"- **{_md(x.id)}** {_md(x.question)} — {_md('; '.join(flags))}")
    return "\n".join(lines) + "\n"


def write_reports(summary: dict[str, Any], scores: list[ItemScore], out_dir: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.html into ``out_dir`` (created if needed).

    Returns:
        The paths written, by format ("json", "md", "html").
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "report.html"}
    doc = {"summary": summary, "items": [s.to_dict() for s in scores]}
    paths["json"].write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    paths["md"].write_text(render_markdown(summary, scores), encoding="utf-8")
    paths["html"].write_text(render_html(summary, scores), encoding="utf-8")
    return paths
