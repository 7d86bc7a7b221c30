"""The run summary (accuracy, refusals, fabrication, evidence, latency) and report.json/.md/.html."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.gold import TYPES
from eval.score import ItemScore


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


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
    return {"n": n, "correct": correct, "accuracy": _ratio(correct, n) or 0.0}


def summarize(scores: list[ItemScore], *, config: str = "default", gold: str = "",
              date: str | None = None) -> dict[str, Any]:
    """The numbers of one run.

    Args:
        scores: one verdict per gold question.
        config: the system configuration that answered (shown in reports and compare tables).
        gold: the gold file, for the record.
        date: ISO timestamp; defaults to now (UTC).

    Returns:
        n, correct, accuracy, by_type, by_route, refusal {precision, recall, …}, answered,
        fabricated (answers stating an unsupported figure), fabricated_figures, citation_accuracy,
        citation_n, retrieval {hit_at_1, hit_at_5, mrr, n}, latency_ms {p50, p95, max, by_route},
        errors, config, gold, date. Ratios are None when nothing could be measured.
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
    return {
        **_counts(scores),
        "by_type": {t: _counts([s for s in scores if s.type == t]) for t in types},
        "by_route": {r: _counts([s for s in scores if s.route == r]) for r in routes},
        "refusal": {
            "precision": _ratio(right_refusals, len(refused)),
            "recall": _ratio(right_refusals, len(unanswerable)),
            "refused": len(refused),
            "unanswerable": len(unanswerable),
            "with_figure": sum(s.refusal_with_figure for s in scores),
        },
        "answered": len(answered),
        "fabricated": sum(bool(s.fabricated) for s in answered),
        "fabricated_figures": sum(len(s.fabricated) for s in answered),
        "citation_accuracy": _ratio(sum(bool(s.citation_hit) for s in cited), len(cited)),
        "citation_n": len(cited),
        "retrieval": {
            "hit_at_1": _ratio(sum(r == 1 for r in ranked), len(ranked)),
            "hit_at_5": _ratio(sum(1 <= r <= 5 for r in ranked), len(ranked)),
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


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(summary: dict[str, Any], scores: list[ItemScore]) -> str:
    """report.md: the summary tables, then every failure and every flagged answer."""
    s, ref, ret, lat = summary, summary["refusal"], summary["retrieval"], summary["latency_ms"]
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
    failures = [x for x in scores if not x.correct]
    lines += [f"## Failures ({len(failures)})", ""]
    for x in failures:
        lines += [f"- **{_md(x.id)}** ({x.type}, route {x.route}) {_md(x.question)}",
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


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}
td:first-child,th:first-child{text-align:left}.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.5em}
.item{border-left:5px solid #c33;padding:.4em .9em;margin:.8em 0;background:#fdf5f5}.item.ok{border-color:#3a3;background:#f5fbf5}
.item dl{display:grid;grid-template-columns:7em 1fr;gap:.2em .8em;margin:.3em 0}.item dt{color:#666}.item dd{margin:0}
blockquote{margin:.2em 0;padding:.2em .6em;background:#fff;border-left:3px solid #999;white-space:pre-wrap}
.flag{color:#a40;font-weight:bold}small{color:#666}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _ms(x: float) -> str:
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"


def latency_svg(latencies: list[float], bins: int = 12, width: int = 640, height: int = 180) -> str:
    """An inline SVG histogram of latencies (ms). Outliers beyond 3 × p95 share one last bar ("≥ …")."""
    if not latencies:
        return "<p>No latencies.</p>"
    top, p95 = max(latencies) or 1.0, percentile(latencies, 95) or 0.0
    overflow = p95 > 0 and top > 3 * p95
    if overflow:
        top = p95 * 1.5
    step = top / (bins - 1 if overflow else bins)
    counts = [0] * bins
    for x in latencies:
        counts[min(int(x / step), bins - 1)] += 1
    peak, bar_w, plot_h = max(counts), (width - 40) / bins, height - 40
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="latency histogram">']
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        x, y = 30 + i * bar_w, 10 + plot_h - h
        last = overflow and i == bins - 1
        label = f"≥ {_ms(i * step)} ms: {c}" if last else f"{_ms(i * step)}–{_ms((i + 1) * step)} ms: {c}"
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                     f'fill="{"#b5744a" if last else "#4a7fb5"}"><title>{_e(label)}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" font-size="10" text-anchor="middle">{c}</text>')
    right = f"≥ {_ms(top)} ms" if overflow else f"{_ms(top)} ms"
    parts.append(f'<text x="30" y="{height - 12}" font-size="11">0 ms</text>')
    parts.append(f'<text x="{width - 10}" y="{height - 12}" font-size="11" text-anchor="end">{_e(right)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _item_html(x: ItemScore) -> str:
    flags = ([f"fabricated figure(s): {', '.join(x.fabricated)}"] if x.fabricated else []) + \
        (["refusal states a figure"] if x.refusal_with_figure else []) + \
        (["gold evidence not cited"] if x.citation_hit is False else [])
    rows = [("question", _e(x.question)), ("expected", _e(x.expected)), ("got", _e(x.got))]
    if x.reason:
        rows.append(("why", _e(x.reason)))
    if flags:
        rows.append(("flags", f'<span class="flag">{_e("; ".join(flags))}</span>'))
    if x.notes:
        rows.append(("notes", _e("; ".join(x.notes))))
    cites = "".join(f"<blockquote><small>{_e(c['doc'])} {_e(c['section'])}</small>\n{_e(c['text'])}</blockquote>"
                    for c in x.citations) or "<small>none</small>"
    rows.append(("cited", cites))
    rank = "n/a" if x.retrieval_rank is None else (x.retrieval_rank or "missed")
    head = (f"<b>{_e(x.id)}</b> <small>{_e(x.type)} · route {_e(x.route)} · {x.latency_ms:.0f} ms · "
            f"evidence rank {_e(rank)}</small>")
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<div class="item{" ok" if x.correct else ""}">{head}<dl>{body}</dl></div>'


def render_html(summary: dict[str, Any], scores: list[ItemScore]) -> str:
    """report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets)."""
    s, ref, ret, lat = summary, summary["refusal"], summary["retrieval"], summary["latency_ms"]
    cards = [("accuracy", _pct(s["accuracy"]), f"{s['correct']}/{s['n']}"),
             ("refusal precision", _pct(ref["precision"]), f"{ref['refused']} refused"),
             ("refusal recall", _pct(ref["recall"]), f"{ref['unanswerable']} unanswerable"),
             ("fabricated", str(s["fabricated"]), f"of {s['answered']} answered"),
             ("citations", _pct(s["citation_accuracy"]), f"of {s['citation_n']}"),
             ("hit@1 / hit@5", f"{_pct(ret['hit_at_1'])} / {_pct(ret['hit_at_5'])}", f"MRR {'n/a' if ret['mrr'] is None else ret['mrr']}"),
             ("latency p50 / p95", f"{lat['p50']} / {lat['p95']}", "ms")]
    by_type = "".join(f"<tr><td>{_e(t)}</td><td>{v['n']}</td><td>{v['correct']}</td><td>{_pct(v['accuracy'])}</td></tr>"
                      for t, v in s["by_type"].items())
    by_route = "".join(f"<tr><td>{_e(r)}</td><td>{v['n']}</td><td>{_pct(s['by_route'][r]['accuracy'])}</td>"
                       f"<td>{_e(v['p50'])}</td><td>{_e(v['p95'])}</td></tr>" for r, v in lat["by_route"].items())
    failures = [x for x in scores if not x.correct]
    passes = [x for x in scores if x.correct]
    return "".join([
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">',
        f"<title>reportqa eval {_e(s['config'])} {_e(s['date'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>reportqa evaluation</h1><p>config <b>{_e(s['config'])}</b> · {_e(s['date'])} · gold "
        f"<code>{_e(s['gold'])}</code> · {s['n']} questions · {s['errors']} errors</p>",
        '<div class="cards">',
        *[f'<div class="card">{_e(k)}<b>{_e(v)}</b><small>{_e(sub)}</small></div>' for k, v, sub in cards],
        "</div><h2>Accuracy by type</h2><table><tr><th>type</th><th>n</th><th>correct</th><th>accuracy</th></tr>",
        by_type,
        "</table><h2>Routes</h2><table><tr><th>route</th><th>n</th><th>accuracy</th><th>p50 ms</th><th>p95 ms</th></tr>",
        by_route,
        "</table><h2>Latency</h2>", latency_svg([x.latency_ms for x in scores]),
        f"<h2>Failures ({len(failures)})</h2>", *[_item_html(x) for x in failures],
        f"<details><summary><h2 style=\"display:inline\">Correct ({len(passes)})</h2></summary>",
        *[_item_html(x) for x in passes], "</details></body></html>\n",
    ])


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
