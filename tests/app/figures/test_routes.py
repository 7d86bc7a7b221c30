"""Answer routes as data: the question picks a route, the table gives its handler, label and gold type."""

from __future__ import annotations

import pytest

from app.figures.qa import FigureQA
from app.question.parse import parse
from app.routes import ROUTES, Route, gold_type, handler, handles, label
from app.web.feedback import FeedbackRecord, gold_line
from app.web.render import card_html
from core.answer import Answer
from core.errors import ReportQAError
from tests.app.figures.test_qa import CATALOG, FIGS, LEX, TEXT, TEXT2


@pytest.fixture(scope="module")
def qa() -> FigureQA:
    return FigureQA(FIGS, CATALOG, LEX, {"001.txt": TEXT, "000.txt": TEXT2})


@pytest.mark.parametrize("question, route", [
    ("2022年海珠区预算执行率是多少", Route.FIGURE),
    ("2022年海珠区应急管理局项目支出占本年支出的比例是多少", Route.COMPUTED),
    ("2022年海珠区和2020年广州市应急管理局的预算执行率哪个更高", Route.COMPARISON),
    ("广州市应急管理局2020年哪些指标未达到目标值", Route.LIST),
    ("2022年海珠区应急管理局存在的主要问题是什么", Route.TEXT),
])
def test_the_question_picks_the_route_and_its_handler_answers(qa: FigureQA, question: str, route: Route) -> None:
    q = parse(question, CATALOG, LEX)
    assert q.route is route
    a = qa.answer(q)
    if ROUTES[route].family == "figure":
        assert a is not None and not a.refused and a.route == route, a
        assert handler(route).__module__.startswith("app.figures.")
    else:  # the text route is answered by app.scoring.text_route; an in-scope text question is no figure question
        assert a is None


def test_every_answering_route_has_a_handler() -> None:
    for route, spec in ROUTES.items():
        assert (spec.handler is not None) == (spec.family != ""), route
    with pytest.raises(ReportQAError, match="already has a handler"):
        handles(Route.FIGURE)(lambda qa, q: None)


def test_a_text_question_about_a_report_no_one_ingested_is_refused(qa: FigureQA) -> None:
    a = qa.answer(parse("2019年海珠区应急管理局存在的主要问题是什么", CATALOG, LEX))
    assert a is not None and a.refused and a.route == Route.REFUSAL and "2019年" in a.reason


def test_labels_and_gold_types_come_from_the_table() -> None:
    assert label("computed") == "计算结果" and label("scored-later") == "scored-later"
    assert [gold_type(r) for r in ("figure", "computed", "comparison", "list", "refusal", "?")] == [
        "numeric", "computed", "comparison", "text", "unanswerable", "text"]
    card = card_html(Answer(question="q", answer="x", route=Route.COMPARISON, value=1, unit="%"))  # type: ignore[arg-type]
    assert "<td>比较</td>" in card
    rec = FeedbackRecord(1, "", "q", 1, {"route": "computed", "answer": "20.38%", "value": 20.38, "unit": "%"}, "", "")
    assert gold_line(rec)["type"] == "computed"
