"""HTML for the web chat: the figure card, the refusal note and the sources with the quote highlighted."""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape
from urllib.parse import urlencode

from app.routes import label
from core.answer import Answer, Citation

CONTEXT_CHARS = 160  # characters of surrounding text shown on each side of a quote


def plain_number(value: Decimal | float) -> str:
    """98.15 -> "98.15", Decimal("140.00") -> "140.00" (as written), 1e3 -> "1000"."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return format(Decimal(str(value)), "f")


def readable(text: str) -> str:
    """Report text for display, escaped: markdown marks dropped, table cells split by "|", one break per line."""
    text = re.sub(r"(?m)^#+\s*", "", text).replace("**", "").replace("\t", " | ")
    return re.sub(r"\n\s*\n+", "\n", escape(text)).replace("\n", "<br>")


def highlight(citation: Citation, width: int = CONTEXT_CHARS) -> str:
    """The quote inside its surrounding text, with the quote in ``<mark>``; trimmed to ``width`` each side."""
    quote, context = citation.text, citation.context or ""
    at = context.find(quote) if quote else -1
    if at < 0:
        shown = readable(context[: 2 * width] + ("…" if len(context) > 2 * width else ""))
        return f"<mark>{readable(quote)}</mark>" + (f"<br><span class='rq-ctx'>{shown}</span>" if shown else "")
    start = max(context.rfind("\n", 0, at) + 1, at - width)  # the quote's own line, at most width before
    end = context.find("\n", at + len(quote))
    end = min(len(context) if end < 0 else end, at + len(quote) + width)
    before, after = context[start:at], context[at + len(quote):end]
    lead = "…" if start > 0 and context[start - 1] != "\n" else ""
    tail = "…" if end < len(context) and context[end] != "\n" else ""
    return f"{lead}{readable(before)}<mark>{readable(quote)}</mark>{readable(after)}{tail}"


def sources_html(citations: list[Citation]) -> str:
    """A numbered list of sources: document · page · section, then the quote highlighted in its surroundings."""
    if not citations:
        return ""
    items = []
    for i, c in enumerate(citations, 1):
        where = escape(c.where)
        if c.page and c.doc.lower().endswith(".pdf"):  # the page image, the quote highlighted on it
            url = "/api/page?" + urlencode({"doc": c.doc, "page": c.page, "quote": c.text[:400]})
            where += f" <a class='rq-page' href='{escape(url)}' target='_blank' rel='noopener'>查看原页</a>"
        items.append(f"<li><div class='rq-where'>[{i}] {where}</div>"
                     f"<div class='rq-quote'>{highlight(c)}</div></li>")
    return f"<div class='rq-sources'><div class='rq-h'>来源</div><ol>{''.join(items)}</ol></div>"


def card_html(answer: Answer) -> str:
    """The headline: a figure card (value, unit, year, organisation, metric, source, formula), or the text."""
    if answer.refused:
        return (f"<div class='rq-refusal'><b>报告中未找到答案</b><div>{escape(answer.reason)}</div>"
                "<div class='rq-note'>没有给出数字，以免误导。可换个问法，或在“文档”页导入相应报告。</div></div>")
    if answer.value is None:
        return f"<div class='rq-text'>{escape(answer.answer).replace(chr(10), '<br>')}</div>"
    facts = [("单位/部门", answer.org), ("年度", str(answer.year) if answer.year else None),
             ("指标", answer.metric), ("类型", label(answer.route))]
    if answer.citations:
        c = answer.citations[0]
        facts.append(("出处", c.doc + (f" · {c.section}" if c.section else "")))
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts if v)
    formula = f"<div class='rq-formula'>计算：{escape(answer.formula)}</div>" if answer.formula else ""
    return (f"<div class='rq-card'><div class='rq-value'>{escape(plain_number(answer.value))}"
            f"<span class='rq-unit'>{escape(answer.unit or '')}</span></div>"
            f"<div class='rq-sentence'>{escape(answer.answer)}</div>{formula}<table>{rows}</table></div>")


def warnings_html(warnings: list[str]) -> str:
    if not warnings:
        return ""
    return "<div class='rq-warn'>" + "".join(f"<div>⚠ {escape(w)}</div>" for w in warnings) + "</div>"


PATHS = {"table": "数字表", "passage": "原文段落", "computed": "计算", "model": "模型", "none": "未作答"}


def answer_path(route: str) -> str:
    """Which path answered (``Answer.route`` -> table / passage / computed / model / none)."""
    if "llm" in route or "model" in route:
        return "model"
    if route == "computed":
        return "computed"
    if route in ("text", "naive"):
        return "passage"
    return "none" if route == "refusal" else "table"


def path_html(answer: Answer) -> str:
    path = "none" if answer.refused else answer_path(answer.route)
    return f"<div class='rq-path' data-path='{path}'>回答途径：{PATHS[path]}（{path}）</div>"


def answer_html(answer: Answer, *, asked: str | None = None) -> str:
    """The whole chat reply: card, the path that answered, warnings (guard notes), sources; ``asked`` notes how a
    follow-up was understood."""
    note = f"<div class='rq-asked'>按“{escape(asked)}”理解</div>" if asked else ""
    return (note + card_html(answer) + path_html(answer) + warnings_html(answer.warnings)
            + sources_html(answer.citations))


CSS = """
.rq-card{border:1px solid #c7d2fe;background:#eef2ff;border-radius:10px;padding:12px 16px;margin:4px 0}
.rq-value{font-size:2em;font-weight:700;color:#1e3a8a;line-height:1.2}
.rq-unit{font-size:.6em;margin-left:4px;color:#334155}
.rq-sentence{margin:6px 0;color:#0f172a}
.rq-card table{border-collapse:collapse;margin-top:6px;font-size:.92em}
.rq-card th{text-align:left;color:#475569;font-weight:500;padding:1px 12px 1px 0;white-space:nowrap;border:none}
.rq-card td{padding:1px 0;border:none}
.rq-formula{font-family:monospace;background:#fff;border-radius:6px;padding:4px 8px;margin:4px 0}
.rq-refusal{border:1px solid #fcd34d;background:#fffbeb;border-radius:10px;padding:10px 14px}
.rq-note{color:#78716c;font-size:.88em;margin-top:4px}
.rq-warn{color:#92400e;background:#fef3c7;border-radius:6px;padding:4px 8px;margin:6px 0;font-size:.92em}
.rq-sources{margin-top:8px;font-size:.9em}
.rq-sources ol{margin:2px 0 0 0;padding-left:0;list-style:none}
.rq-sources li{margin:4px 0;padding:6px 8px;border-left:3px solid #94a3b8;background:rgba(148,163,184,.1)}
.rq-where{font-weight:600;color:#334155}
.rq-quote mark{background:#fde047;color:#000;padding:0 2px;border-radius:2px}
.rq-h{font-weight:600}
.rq-asked{color:#64748b;font-size:.85em;margin-bottom:4px}
.rq-path{color:#475569;font-size:.85em;margin:4px 0}
"""
