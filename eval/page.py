"""report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets)."""

from __future__ import annotations

import html
from typing import Any

from eval.score import ItemScore
from eval.summary import breakdown_tables, percentile
from eval.summary import pct as _pct

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
    flags = (["wrong figure stated"] if x.wrong_figure else []) + \
        ([f"fabricated figure(s): {', '.join(x.fabricated)}"] if x.fabricated else []) + \
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


def _table_html(title: str, note: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<h2>{_e(title)}</h2>{f'<p>{_e(note)}</p>' if note else ''}<table><tr>{head}</tr>{body}</table>"


def render_html(summary: dict[str, Any], scores: list[ItemScore]) -> str:
    """report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets)."""
    s, ref, ret, lat = summary, summary["refusal"], summary["retrieval"], summary["latency_ms"]
    fq = s["figure_questions"]
    cards = [("accuracy", _pct(s["accuracy"]), f"{s['correct']}/{s['n']}"),
             ("refusal precision", _pct(ref["precision"]), f"{ref['refused']} refused"),
             ("refusal recall", _pct(ref["recall"]), f"{ref['unanswerable']} unanswerable"),
             ("figure questions", _pct(fq["accuracy"]), f"{fq['correct']}/{fq['n']}"),
             ("wrong figures stated", str(s["wrong_figures"]), f"of {s['figures_given']} given"),
             ("answered precision", _pct(s["answered_precision"]), f"{s['right_figures']} right"),
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
        by_route, "</table>", *[_table_html(*t) for t in breakdown_tables(s)],
        "<h2>Latency</h2>", latency_svg([x.latency_ms for x in scores]),
        f"<h2>Failures ({len(failures)})</h2>", *[_item_html(x) for x in failures],
        f"<details><summary><h2 style=\"display:inline\">Correct ({len(passes)})</h2></summary>",
        *[_item_html(x) for x in passes], "</details></body></html>\n",
    ])

