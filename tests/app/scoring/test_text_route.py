"""The scored text route: passages of real ingested reports, the packaged scorer choosing among them, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pipeline import Assistant
from app.routes import Route
from app.scoring.cues import read
from app.scoring.engine import Sources
from app.scoring.model import ScorerModel
from app.scoring.passages import Passage, echoes, passages, question_grams, units
from app.scoring.text_features import NAMES
from app.scoring.text_route import PACKAGED, TextRoute, answer_text, positives
from core.config import Settings
from core.records import Example

# Invented reports in the genre's usual shapes (a form flattened into lines, a budget speech, a self-assessment).
FORM = """海南省某厅2020年美食购物嘉年华活动项目绩效评价报告

财政支出项目绩效评价报告
评价类型:完成结果评价
项目名称:美食购物嘉年华活动
项目单位:海南省某厅
主管部门:海南省某厅
评价时间:2020年1月1日至2020年12月31日
组织方式:项目单位
上报时间:2021.5.25

一、项目基本情况
项目负责人为王晓明，联系电话:0898-12345678。项目资金515万元，用于举办全省促消费活动。
"""

SPEECH = """关于某区2025年预算执行情况和2026年预算草案的报告

——2026年1月6日在某区第七届人民代表大会第八次会议上
某区财政局局长 李建国

各位代表：
受区人民政府委托，现将某区2025年预算执行情况和2026年预算草案提请区七届人大八次会议审议，并请区政协委员提出意见。

一、2025年预算执行情况
2025年全区一般公共预算收入完成86.5亿元，增长3.2%，主要是工业增值税增收较多。
"""

PROJECT = """某区水务局2022年衔接资金项目绩效自评报告

一、绩效目标分解下达情况
（一）某区水务局2022年衔接资金共下达105万元，用于实施东岭镇石桥村蔬菜园产业项目。
（二）项目绩效目标为做好东岭镇田洋产业农业灌溉用水工作。

二、存在的问题
（一）项目前期论证不够充分。部分建设内容在实施中调整，影响了资金支付进度。
（二）绩效指标设置不够细化。产出指标以定性描述为主，难以考核。

三、下一步改进措施
（一）加强项目前期论证，提高预算编制的准确性。
（二）细化量化绩效指标，强化绩效监控。
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, Sources, int]]:
    """The three reports ingested through the real pipeline (hash embedder), with the scorer's sources."""
    folder = tmp_path_factory.mktemp("reports")
    for name, text in (("form.txt", FORM), ("speech.txt", SPEECH), ("project.txt", PROJECT)):
        (folder / name).write_text(text, encoding="utf-8")
    a = Assistant(Settings(data_dir=tmp_path_factory.mktemp("data"), embedder="hash"))
    results = a.ingest([folder])
    assert [r.status for r in results] == ["added"] * 3, results
    st = a.state()
    yield a, a._sources(st), st.generation
    a.close()


@pytest.fixture(scope="module")
def route() -> TextRoute:
    assert PACKAGED.exists(), "the packaged text scorer is missing"
    return TextRoute()


@pytest.mark.parametrize(("question", "wanted"), [
    ("这份美食购物嘉年华项目绩效评价报告是什么时候上报的？", ("2021年5月25日", "上报时间:2021.5.25")),
    ("美食购物嘉年华活动项目的项目负责人是谁？", ("王晓明",)),
    ("某区2025年预算执行情况报告是在哪次会议上作的？", ("第七届人民代表大会第八次会议",)),
    ("某区水务局2022年的衔接资金用在了什么项目上？", ("石桥村蔬菜园产业项目",)),
    ("某区水务局衔接资金项目存在的主要问题是什么？", ("项目前期论证不够充分",)),
])
def test_answers_quote_the_passage(corpus: tuple[Assistant, Sources, int], route: TextRoute,
                                   question: str, wanted: tuple[str, ...]) -> None:
    a, src, gen = corpus
    ans = route.answer(question, src, gen)
    assert not ans.refused, ans.reason
    assert ans.route == Route.TEXT
    for w in wanted:
        assert w in ans.answer, (question, ans.answer)
    cite = ans.citations[0]
    doc = next(d for d in a.documents() if d.name == cite.doc)
    assert a.store.document_text(doc.id)[cite.start:cite.end] == cite.text  # the exact span of the report
    assert cite.text in ans.answer and cite.chunk_id


def test_refuses_what_no_report_says(corpus: tuple[Assistant, Sources, int], route: TextRoute) -> None:
    _, src, gen = corpus
    ans = route.answer("火星探测基地的宇航员训练在哪里进行？", src, gen)
    assert ans.refused and ans.route == Route.TEXT and ans.reason
    assert not ans.citations


def test_explain_shows_the_ranked_passages(corpus: tuple[Assistant, Sources, int], route: TextRoute) -> None:
    _, src, gen = corpus
    out = route.explain("某区水务局2022年的衔接资金用在了什么项目上？", src, gen)
    assert "project" in out["parse"]["asks"]
    ps = [c["p"] for c in out["candidates"]]
    assert ps == sorted(ps, reverse=True) and "石桥村" in out["candidates"][0]["passage"]


def test_fit_learns_from_the_evidence(corpus: tuple[Assistant, Sources, int]) -> None:
    _, src, gen = corpus
    examples = [
        Example("这份美食购物嘉年华项目绩效评价报告是什么时候上报的？", "text", "2021年5月25日", docs=("form.txt",),
                evidence="上报时间:2021.5.25"),
        Example("某区水务局2022年的衔接资金用在了什么项目上？", "text", "东岭镇石桥村蔬菜园产业项目",
                docs=("project.txt",), evidence="用于实施东岭镇石桥村蔬菜园产业项目"),
        Example("某区2025年预算执行情况报告是谁作的？", "text", "某区财政局局长李建国", docs=("speech.txt",),
                evidence="某区财政局局长 李建国"),
        Example("某区2019年的图书馆免费开放情况如何？", "unanswerable"),
    ]
    route = TextRoute()
    cues, cands = route.candidates(examples[1].question, src, gen)
    pos = positives(examples[1], cands, cues)
    assert pos and all("石桥村蔬菜园产业项目" in cands[i].text for i in pos)
    assert all(cands[i].doc.name == "project.txt" for i in pos)
    model = route.fit(examples, src, gen)
    assert model.names == NAMES and 0.0 <= model.threshold < 1.0
    assert model.info["questions"] == 4 and model.info["with_answer"] == 3


def test_packaged_model_matches_the_features() -> None:
    model = ScorerModel.load(PACKAGED, NAMES)
    assert model.names == NAMES and len(model.w) == len(NAMES)


def _offered(corpus: tuple[Assistant, Sources, int], question: str) -> list[Passage]:
    _, src, _ = corpus
    return passages(src.search(question), src.doc_of, read(question))


def test_passages_offer_fields_lists_and_dates(corpus: tuple[Assistant, Sources, int]) -> None:
    cands = _offered(corpus, "某区水务局衔接资金项目存在的主要问题是什么？")
    texts = {(p.kind, p.text.strip()) for p in cands}
    lists = [t for k, t in texts if k == "list" and t.startswith("（一）项目前期论证")]
    assert lists and "（二）绩效指标设置不够细化" in lists[0]  # the whole list, both items
    assert not any(t == "二、存在的问题" for _, t in texts)  # a heading repeating the question adds nothing
    cands = _offered(corpus, "这份美食购物嘉年华项目绩效评价报告是什么时候上报的？")
    fields = {p.text.strip() for p in cands if p.kind == "field"}
    assert "项目名称:美食购物嘉年华活动" in fields
    dates = {p.text.strip() for p in cands if p.kind == "date"}
    assert "上报时间:2021.5.25" in dates  # a date with its label
    assert "评价时间:2020年1月1日至2020年12月31日" in dates  # a range is one date
    first = next(p for p in cands if p.text.strip() == "上报时间:2021.5.25")
    assert answer_text(first, read("这份报告是什么时候上报的？")).startswith("2021年5月25日")


def test_units_join_wrapped_lines_and_split_cells() -> None:
    text = "肇庆市某区水务局是主管全区水行政工作的区政府工作部门，主要职责包括：负责\n全区防汛防旱的组织、协调。\n项目单位  某区水务局"
    said = [text[s:e] for s, e in units(text, 0, len(text))]
    assert "主要职责包括：负责\n全区防汛防旱的组织、协调" in said  # the line break only wraps the sentence
    assert "项目单位" in said and "某区水务局" in said
    assert echoes("三、存在的主要问题", question_grams(read("存在的主要问题是什么")))
    assert not echoes("（一）项目前期论证不够充分", question_grams(read("存在的主要问题是什么")))


def test_route_reads_its_model_from_disk(tmp_path: Path) -> None:
    model = ScorerModel.load(PACKAGED, NAMES)
    path = tmp_path / "text.json"
    model.save(path)
    assert ScorerModel.load(path, NAMES).threshold == model.threshold


def test_assistant_answers_words_through_the_text_route(corpus: tuple[Assistant, Sources, int]) -> None:
    a, _, _ = corpus
    ans = a.ask("某区水务局衔接资金项目存在的主要问题是什么？")
    assert not ans.refused and ans.route == Route.TEXT, ans.reason
    assert "项目前期论证不够充分" in ans.answer and ans.citations[0].doc == "project.txt"
    assert ans.org == a.ask("某区水务局2022年的衔接资金用在了什么项目上？").org  # the quoted report's organisation
    why = a.explain("某区水务局衔接资金项目存在的主要问题是什么？")
    assert "passage" in why["candidates"][0]  # type: ignore[index]


def test_scorers_without_a_text_model_refuse_text_questions(corpus: tuple[Assistant, Sources, int]) -> None:
    """A fold whose training questions hold no text question must not answer text with the packaged model
    (fit on the questions being scored); back on the packaged models it answers again."""
    from app.scoring.model import Scorers

    a, _, _ = corpus
    question = "某区水务局衔接资金项目存在的主要问题是什么？"
    a.use_scorer(Scorers(a.scored.model, None))
    try:
        assert a.ask(question).refused
    finally:
        a.use_scorer(None)
    assert not a.ask(question).refused
