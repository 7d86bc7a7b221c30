"""The scored figure route on small reports through the real pipeline (hash embedder): features that compare
the question with a candidate, one answer per figure however often it is stated, and worked-out figures the
report states itself."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from app.pipeline import Assistant
from app.scoring.cues import read
from app.scoring.decide import answers
from core.config import Settings

REPORT = """2022年度天河区水务局部门整体支出绩效自评报告
一、部门整体收支情况
2022年天河区水务局本年支出2681.33万元，其中项目支出546.49万元，项目支出占本年支出的20.4%。
项目资金到位3483万元，预算执行率为100%。
二、支出明细
本年支出2681.33万元，基本支出2134.84万元。
"""
OTHER = """2022年度从化区农业农村局部门整体支出绩效自评报告
一、部门整体收支情况
2022年从化区农业农村局本年支出900.00万元，其中项目支出300.00万元，基本支出600.00万元。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    folder = tmp_path_factory.mktemp("reports")
    (folder / "water.txt").write_text(REPORT, encoding="utf-8")
    (folder / "farm.txt").write_text(OTHER, encoding="utf-8")
    a = Assistant(Settings(data_dir=tmp_path_factory.mktemp("data"), embedder="hash"))
    assert [r.status for r in a.ingest([folder])] == ["added", "added"]
    yield a
    a.close()


def _cands(a: Assistant, question: str) -> list:  # type: ignore[type-arg]
    st = a.state()
    return a.scored.candidates(question, a._sources(st), st.generation)[1]


def test_a_kind_said_outright_clashes_with_a_figure_of_another_kind(assistant: Assistant) -> None:
    assert read("天河区水务局2022年预算执行率是多少").said_kind == "percent"
    assert read("项目资金到位了多少万元").said_kind == "money"
    assert read("项目资金是多少").said_kind == ""  # named, not said: no clash either way
    assert read("结算费用项目执行率这一项得了几分").said_kind == ""  # two kinds said: neither decides
    by_text = {c.quantity.text: c.features["kind_clash"] for c in _cands(assistant, "天河区水务局2022年预算执行率是多少")}
    assert by_text["100%"] == 0.0 and by_text["3483万元"] == 1.0
    st = assistant.state()
    ranked = assistant.scored.ranked("天河区水务局2022年预算执行率是多少", assistant._sources(st), st.generation)
    assert ranked.cands and all(c.quantity.unit == "%" for c in ranked.cands)  # the amounts are left out


def test_one_figure_stated_twice_is_one_answer_with_both_probabilities(assistant: Assistant) -> None:
    cands = [c for c in _cands(assistant, "天河区水务局2022年本年支出是多少") if c.doc.name == "water.txt"]
    spend = [c for c in cands if c.quantity.text == "2681.33万元"]
    other = [c for c in cands if c.quantity.text == "546.49万元"]
    assert len(spend) == 2 and len(other) == 1
    for c in cands:
        c.score = 0.0
    spend[0].score, spend[1].score, other[0].score = 0.3, 0.3, 0.4
    (best, p), (second, q), *_ = answers(sorted(cands, key=lambda c: -c.score))
    assert best.quantity.text == "2681.33万元" and p == pytest.approx(0.6)
    assert second is other[0] and q == pytest.approx(0.4)


def test_a_worked_out_ratio_is_given_as_the_report_states_it(assistant: Assistant) -> None:
    stated = assistant.ask("2022年天河区水务局项目支出占本年支出的比例是多少")
    assert not stated.refused and stated.value == Decimal("20.4"), stated
    assert "20.4%" in stated.citations[0].text
    worked = assistant.ask("2022年从化区农业农村局项目支出占本年支出的比例是多少")  # stated nowhere: computed
    assert not worked.refused and worked.route == "computed" and worked.value == Decimal("33.33"), worked


def test_packaged_scorer_matches_the_features() -> None:
    from app.scoring.features import NAMES
    from app.scoring.model import PACKAGED, ScorerModel

    assert ScorerModel.load(Path(PACKAGED)).names == NAMES


def test_a_quote_never_starts_inside_a_number(tmp_path: Path) -> None:
    from app.scoring.decide import quoted

    filler = ("质量指标项目资金使用合规性反映项目资金使用合规情况" * 4)[:56]
    row = "产出指标数量指标宗教管理经费补助县数量反映补助县数量情况2312222" + filler + "为95%" + filler + "编码230001"
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    (tmp_path / "r.txt").write_text("2023年度龙岩市民族与宗教事务局项目支出绩效目标表\n" + row + "\n", encoding="utf-8")
    a.ingest([tmp_path / "r.txt"])
    st = a.state()
    cands = a.scored.candidates("龙岩市民族与宗教事务局项目资金使用合规性目标值是多少", a._sources(st), st.generation)[1]
    pct = next(c for c in cands if c.quantity.text.endswith("95%"))
    assert pct.left[:1].isdigit()  # the clause was cut inside 2312222 at its length limit
    assert pct.clause[-1:].isdigit()  # and cut inside 230001 at its other end
    assert quoted(pct).startswith("质量指标") and quoted(pct).endswith("编码"), quoted(pct)
    a.close()
