"""The one vocabulary: a user's file is honoured section by section, and the merge refuses what it cannot place."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from app.figures.qa import FigureQA
from app.question.parse import CatalogEntry, parse
from core.errors import BadInput
from core.records import Figure
from core.vocabulary import load_vocabulary
from ingest.metrics import canonical_metric

ORG = "广州市海珠区应急管理局"
CATALOG = [CatalogEntry(ORG, 2022, "r.txt", None)]
TEXT = ("预算执行率为98.15%。全区安全生产行政处罚金额1203.2万元，同比增长128%。\n"
        "抽检不合格率\t目标值≤10%\t实际完成值8%\n")


def fig(evidence: str, metric: str, value: str, unit: str, kind: str = "actual", qualifier: str = "",
        **extra: str) -> Figure:
    start = TEXT.index(evidence)
    qkind = "money" if unit == "万元" else "percent"
    scale = Decimal(10000) if unit == "万元" else Decimal(1)
    return Figure(doc_id="r.txt", doc_name="r.txt", metric=metric, canonical=metric, context=evidence,
                  value=Decimal(value), unit=unit, base_value=Decimal(value) * scale, base_unit="元" if scale > 1 else "%",
                  quantity_kind=qkind, kind=kind, qualifier=qualifier, org=ORG, year=2022, start=start,
                  end=start + len(evidence), evidence=evidence, chunk_id="c1", extra={"source": "prose", **extra})


FIGS = [
    fig("预算执行率为98.15%", "预算执行率", "98.15", "%"),
    fig("安全生产行政处罚金额1203.2万元", "安全生产行政处罚金额", "1203.2", "万元"),
    fig("同比增长128%", "安全生产行政处罚金额", "128", "%", kind="change", direction="up"),
    # a bound the packaged vocabulary does not know as an upper one: 不多于
    fig("目标值≤10%", "抽检不合格率", "10", "%", kind="target", qualifier="不多于", indicator="抽检不合格率"),
    fig("实际完成值8%", "抽检不合格率", "8", "%", indicator="抽检不合格率"),
]


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "aliases.toml"
    path.write_text(
        '[orgs]\n"海应" = ["广州市海珠区应急管理局"]\n'
        '[metrics]\n"预算执行率" = ["花钱进度"]\n'
        '[changes]\nup = ["攀升"]\n'
        '[qualifiers]\nat_most = ["不多于"]\n'
        '[units]\nasked = ["尾"]\n'
        '[questions]\nask = ["敢问"]\n', encoding="utf-8")
    return path


def answer(question: str, vocabulary: object) -> str:
    qa = FigureQA(FIGS, CATALOG, vocabulary, {"r.txt": TEXT})  # type: ignore[arg-type]
    a = qa.answer(parse(question, CATALOG, vocabulary))  # type: ignore[arg-type]
    return a.answer if a is not None else ""


def test_the_user_file_is_honoured_for_each_section(user_file: Path) -> None:
    packaged, user = load_vocabulary(), load_vocabulary(user_file)
    # [orgs]: an alias names the organisation
    assert parse("海应2022年预算执行率是多少", CATALOG, packaged).orgs == []
    assert parse("海应2022年预算执行率是多少", CATALOG, user).orgs == [ORG]
    # [metrics]: a synonym finds the figure, at answer time and in the canonical names (it used to be read and unused)
    assert "98.15%" not in answer("2022年海珠区花钱进度是多少", packaged)
    assert "98.15%" in answer("2022年海珠区花钱进度是多少", user)
    assert canonical_metric("部门花钱进度", user) == "预算执行率" != canonical_metric("部门花钱进度")
    # [changes]: a change word makes the question ask for the reported change
    assert "128%" not in answer("2022年海珠区处罚金额较上年攀升了多少", packaged)
    assert "同比增长128%" in answer("2022年海珠区处罚金额较上年攀升了多少", user)
    # [qualifiers]: "不多于10%" is met by 8% once 不多于 is an upper bound
    missed = "2022年海珠区哪些指标未达到目标值"
    assert "未达到目标值的指标：抽检不合格率：目标10%，实际8%" in answer(missed, packaged)
    assert "没有未达到目标值的指标" in answer(missed, user)
    # [units]: a unit a question asks in
    assert parse("2022年海珠区放生鱼苗多少尾", CATALOG, packaged).unit_word is None
    assert parse("2022年海珠区放生鱼苗多少尾", CATALOG, user).unit_word == "尾"
    # [questions]: a word that asks is not part of the metric
    assert parse("敢问2022年海珠区预算执行率", CATALOG, packaged).metric_text == "敢问预算执行率"
    assert "98.15%" in answer("敢问2022年海珠区预算执行率", user)


def test_merging_adds_words_and_keeps_the_packaged_ones(user_file: Path) -> None:
    packaged, user = load_vocabulary(), load_vocabulary(user_file)
    assert user.changes.up == (*packaged.changes.up, "攀升")
    assert user.metrics["预算执行率"] == (*packaged.metrics["预算执行率"], "花钱进度")
    assert user.aliases["海应"] == (ORG,) and user.abbreviations == packaged.abbreviations
    assert load_vocabulary(user_file) is user and load_vocabulary() is packaged  # loaded once


def test_an_edited_user_file_is_read_again(user_file: Path) -> None:
    before = load_vocabulary(user_file)
    user_file.write_text('[changes]\ndown = ["跳水"]\n', encoding="utf-8")
    os.utime(user_file, ns=(1, 1))  # a new modification time even within the clock's resolution
    after = load_vocabulary(user_file)
    assert "跳水" in after.changes.down and "攀升" not in after.changes.up and "攀升" in before.changes.up


@pytest.mark.parametrize("text, problem", [
    ("[metric]\n\"预算执行率\" = [\"x\"]\n", "unknown section"),  # a typo would otherwise be ignored
    ("[changes]\nsideways = [\"横盘\"]\n", "no entry 'sideways'"),
    ("[changes]\nup = \"攀升\"\n", "should be a list"),
    ("[orgs]\n\"海应\" = \"广州市海珠区应急管理局\"\n", "should be a list"),
    ("[changes\n", "not valid TOML"),
])
def test_a_user_file_that_cannot_be_placed_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=problem):
        load_vocabulary(bad)


def test_a_missing_user_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        load_vocabulary(tmp_path / "missing.toml")
