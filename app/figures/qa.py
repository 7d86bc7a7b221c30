"""Figure questions: the scope check every question passes, then the route's handler (app.routes) answers it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

# the figure routes' handlers register themselves with app.routes when their modules are imported
from app.figures import calc, listing, text  # noqa: F401
from app.figures.index import FigureIndex
from app.routes import ROUTES, Route, handler
from core.answer import Answer, refusal

if TYPE_CHECKING:
    from app.question.parse import Query

__all__ = ["FigureIndex", "FigureQA"]


class FigureQA(FigureIndex):
    """Answers questions about reported figures from the extracted figure table, with cited evidence.

    Built like a ``FigureIndex`` (figures, catalog, vocabulary, texts); ``answer`` is the one entry point.
    """

    def scope_refusal(self, q: Query) -> Answer | None:
        """Refuse questions about organisations or years no report covers (every route, text too)."""
        known = "、".join(self.orgs()) or "（无）"
        if q.unknown_org and not self.mentioned(q.unknown_org):
            return refusal(q.question, f"没有“{q.unknown_org}”的报告；已导入报告的单位：{known}")
        if q.ambiguous_orgs:
            return refusal(q.question, f"问题中的单位可能指：{'、'.join(q.ambiguous_orgs)}，请写明是哪一个")
        for org in q.orgs:
            years = self.years_of(org)
            if q.years and years and not set(q.years) & set(years):
                have = "、".join(f"{y}年" for y in years)
                ask = "、".join(f"{y}年" for y in q.years)
                return refusal(q.question, f"{org}没有{ask}的报告，只有{have}的报告")
        all_years = sorted({c.year for c in self.catalog if c.year})
        missing = [y for y in q.years if y not in all_years]
        if missing and not q.orgs and all_years:
            have = "、".join(f"{y}年" for y in all_years)
            return refusal(q.question, f"没有{'、'.join(f'{y}年' for y in missing)}的报告，已导入的报告年度：{have}")
        for who, year in q.pairs:
            if who and year and year not in self.years_of(who):
                return refusal(q.question, f"{who}没有{year}年的报告")
        return None

    def answer(self, query: Query) -> Answer | None:
        """The scope refusal, else the answer of the question's figure route; None for a text question in scope
        or a look-up no figure answers (the text may)."""
        scope = self.scope_refusal(query)
        if scope is not None or ROUTES[query.route].family != "figure":
            return scope
        if query.unknown_org and query.route is Route.FIGURE:
            # a place the reports talk about ("增城区举办的演习"): the figure's sentence must name it too
            query = replace(query, metric_text=query.unknown_org + query.metric_text)
        answered: Answer | None = handler(query.route)(self, query)
        return answered
