"""An answer as other tools receive it: the text, the figure and every citation (document, page, quote)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.answer import Answer

if TYPE_CHECKING:
    from app.pipeline import Assistant


def sources_text(answer: Answer) -> str:
    """The answer, a ``计算：`` line, a ``注意：`` line per warning and a numbered ``来源`` list."""
    parts = [answer.answer]
    if answer.formula and answer.formula not in answer.answer:
        parts.append(f"计算：{answer.formula}")
    parts += [f"注意：{w}" for w in answer.warnings]
    text = "\n".join(parts)
    if answer.citations:
        text += "\n\n来源：\n" + "\n".join(f"[{i}] {c.where}：「{c.text}」" for i, c in enumerate(answer.citations, 1))
    return text


def cited(answer: Answer) -> dict[str, Any]:
    """The answer as plain JSON for a tool result: what was said, the figure, and where each quote stands.

    Returns:
        ``answer``, ``text`` (answer plus numbered sources), ``refused``, ``reason``, ``route``, ``value``,
        ``unit``, ``org``, ``year``, ``metric``, ``formula``, ``warnings`` and ``citations`` (each ``doc``,
        ``page``, ``section``, ``quote``).
    """
    return {
        "question": answer.question, "answer": answer.answer, "text": sources_text(answer),
        "refused": answer.refused, "reason": answer.reason, "route": answer.route,
        "value": float(answer.value) if answer.value is not None else None, "unit": answer.unit,
        "org": answer.org, "year": answer.year, "metric": answer.metric, "formula": answer.formula,
        "warnings": list(answer.warnings),
        "citations": [{"doc": c.doc, "page": c.page or None, "section": c.section, "quote": c.text}
                      for c in answer.citations],
    }


def ask_cited(assistant: Assistant, question: str, *, org: str | None = None, year: int | None = None) -> Answer:
    """``assistant.ask`` with each citation's page filled in (as the CLI and the API answer)."""
    return assistant.ask(question.strip(), org=org or None, year=year or None)


def figure_question(metric: str, org: str | None = None, year: int | None = None) -> str:
    """A figure question in the form the pipeline reads: "2022年海珠区预算执行率是多少"."""
    metric = metric.strip().rstrip("？?").removesuffix("是多少").removesuffix("多少")
    return f"{f'{year}年' if year else ''}{org or ''}{metric}是多少"
