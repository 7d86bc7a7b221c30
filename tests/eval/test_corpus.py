"""The archive generator: report kinds and layouts, gold that holds for the corpus, sizes that nest."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from eval.corpus import make_corpus, organisations, spec, write_corpus
from eval.generate import short_org
from ingest.meta import detect


def test_kinds_levels_and_layouts_all_appear() -> None:
    specs = [spec(i) for i in range(300)]
    assert {k for _, _, k, _ in specs} == {"自评报告", "自评表", "决算", "预算执行"}
    assert {lay for _, _, _, lay in specs} == {"lines", "web"}
    levels = Counter(level for _, level in organisations())
    assert set(levels) == {"province", "city", "district", "county", "township", "institution"}
    assert len({(o, y) for o, y, _, _ in specs}) == len(specs)  # one report per organisation and year
    assert len(organisations()) * 6 >= 10_000


def test_gold_is_true_of_the_text_and_the_corpus() -> None:
    reports = make_corpus(120)
    names = [r.name for r in reports]
    assert len(set(names)) == len(names)
    corpus = {(r.org, r.year) for r in reports}
    for r in reports:
        assert r.gold, r.name
        for g in r.gold:
            if g["type"] == "unanswerable":
                continue
            assert g["evidence"] in r.text, (r.name, g)
            assert str(r.year) in g["question"] and short_org(r.org) in g["question"]
        for g in r.gold:  # an "other year" question never names a report the corpus holds
            if g.get("note") == "other year":
                assert not any(str(y) in g["question"] and short_org(o) in g["question"] for o, y in corpus)
    web = [r for i, r in enumerate(reports) if spec(i)[3] == "web"]
    assert web and all(r.text.count("\n") == 2 and "，" not in r.text for r in web)


def test_smaller_corpus_is_the_start_of_a_larger_one(tmp_path: Path) -> None:
    small, large = make_corpus(30), make_corpus(60)
    assert [r.text for r in small] == [r.text for r in large[:30]]
    gold = write_corpus(tmp_path, small)
    lines = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == sum(len(r.gold) for r in small)
    assert len(list(tmp_path.glob("*.txt"))) == 30


def test_ingest_reads_organisation_and_year_of_most_reports() -> None:
    reports = make_corpus(100)
    right = sum(detect(r.text, r.name).org == r.org and detect(r.text, r.name).year == r.year for r in reports)
    assert right >= 90, right
