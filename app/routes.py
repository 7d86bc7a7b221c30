"""Answer routes as data: the typed route of every answer, and one table giving each its handler, label and gold type.

app.question picks a question's route (``Query.route``), app.figures dispatches a figure question to the route's
handler, the web shows the route's label and feedback turns a confirmed answer into a gold line of the route's gold
type. To add a route: add a member to ``Route`` and a row to ``ROUTES``, and decorate the function that answers it
with ``@handles(Route.X)`` in the module that owns it (this module imports nothing of ``app``, so every sub-package
may use it).

Handlers by family: a figure route's handler is ``(FigureIndex, Query) -> Answer | None`` (app.figures). The scored
routes (figures and text, app.scoring) and the model's routes (app.reader) are called by the Assistant directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from core.errors import ReportQAError

Handler = Callable[..., Any]  # returns Answer | None; the arguments depend on the route's family (see above)


class Route(StrEnum):
    """How an answer was found. The value is what ``Answer.route`` holds (JSON, gold files, the eval)."""

    FIGURE = "figure"  # a figure the report states
    SCORED = "scored"  # a stated figure chosen by the fitted scorer over all candidates (app.scoring)
    COMPUTED = "computed"  # a ratio, difference or sum of stated figures
    COMPARISON = "comparison"  # which of several organisations or years is higher
    LIST = "list"  # indicators below a bound, or missing their targets
    TEXT = "text"  # a quoted sentence or section
    TEXT_LLM = "text+llm"  # a quoted passage phrased by the language model (answers stored before app.reader)
    LLM = "llm"  # read by the chat model from the ranked candidates, every figure checked (app.reader)
    LLM_ONLY = "llm-only"  # read by the chat model from the top retrieved chunks, unchecked (eval baseline)
    REFUSAL = "refusal"  # no answer, with the reason
    NAIVE = "naive"  # the plain dense-retrieval baseline


@dataclass(frozen=True)
class RouteSpec:
    """One row of the table."""

    route: Route
    label: str  # shown to people ("类型" on the web card)
    gold_type: str  # the gold-file "type" (eval/seed_qa.jsonl) an answer of this route confirms
    family: str  # "figure" | "": which answerer runs it, and so the handler's arguments
    handler: Handler | None = None  # set by @handles in the module that answers the route


ROUTES: dict[Route, RouteSpec] = {s.route: s for s in (
    RouteSpec(Route.FIGURE, "报告数字", "numeric", "figure"),
    RouteSpec(Route.SCORED, "报告数字", "numeric", ""),
    RouteSpec(Route.COMPUTED, "计算结果", "computed", "figure"),
    RouteSpec(Route.COMPARISON, "比较", "comparison", "figure"),
    RouteSpec(Route.LIST, "列举", "text", "figure"),
    RouteSpec(Route.TEXT, "文字摘录", "text", ""),
    RouteSpec(Route.TEXT_LLM, "文字摘录（模型转述）", "text", ""),
    RouteSpec(Route.LLM, "模型阅读（数字已核对）", "text", ""),
    RouteSpec(Route.LLM_ONLY, "模型阅读（未核对）", "text", ""),
    RouteSpec(Route.REFUSAL, "未找到答案", "unanswerable", ""),
    RouteSpec(Route.NAIVE, "检索基线", "text", ""),
)}


def handles(route: Route) -> Callable[[Handler], Handler]:
    """Register the decorated function as ``route``'s handler (one handler per route)."""

    def register(fn: Handler) -> Handler:
        spec = ROUTES[route]
        if spec.handler is not None and spec.handler is not fn:
            raise ReportQAError(f"route {route.value!r} already has a handler ({spec.handler.__qualname__})")
        ROUTES[route] = replace(spec, handler=fn)
        return fn

    return register


def handler(route: Route) -> Handler:
    """The function that answers ``route``.

    Raises:
        ReportQAError: no module registered one (the module that answers the route was not imported).
    """
    fn = ROUTES[route].handler
    if fn is None:
        raise ReportQAError(f"route {route.value!r} has no handler; import the module that answers it")
    return fn


def spec(route: str) -> RouteSpec | None:
    """The table row of a route as stored in an answer (a string), or None for a route the table does not know."""
    try:
        return ROUTES[Route(route)]
    except ValueError:
        return None


def label(route: str) -> str:
    """How the web names a route ("figure" -> "报告数字"); an unknown route is shown as it is."""
    s = spec(route)
    return s.label if s else route


def gold_type(route: str) -> str:
    """The gold type a confirmed answer of the route becomes; "text" for an unknown route."""
    s = spec(route)
    return s.gold_type if s else "text"
