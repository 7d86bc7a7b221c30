"""Contract tests for FigureStore, run identically on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from core.errors import BadInput, NotFound, ReportQAError
from core.records import Chunk, Document, Figure
from vectorstore.bm25 import tokenize
from vectorstore.figures import Correction, DocumentInfo, FigureStore

HAIZHU_TEXT = (
    "# 2022年度广州市海珠区应急管理局部门整体支出绩效自评报告\n\n"
    "## 一、基本情况\n\n"
    "预算完成情况：2022年部门年初预算为2626.63万元，本年支出2681.33万元。预算执行率为98.15%。\n\n"
    "## 二、绩效指标\n\n"
    "指标\t目标值\t完成值\n"
    "预算编制偏差率\t≤5%\t0.10%\n"
)
CITY_TEXT = (
    "广州市应急管理局2020年部门整体绩效完成情况表\n\n"
    "其中：部门年度整体预算完成率：99.23%\n\n"
    "安全事故处理完成率(%)\t完成率达到95%\t已完成\n"
)


def make_doc(name: str, text: str, org: str, year: int, sha: str = "a" * 64) -> Document:
    return Document(name=name, text=text, sha256=sha, org=org, year=year,
                    report_type="部门整体支出绩效自评报告", title=text.splitlines()[0].lstrip("# "),
                    path=f"/reports/{name}")


def make_chunks(doc: Document) -> list[Chunk]:
    """One chunk per blank-line separated block, with its exact span."""
    chunks, pos = [], 0
    for i, block in enumerate(doc.text.split("\n\n")):
        start = doc.text.index(block, pos)
        pos = start + len(block)
        kind = "table_row" if "\t" in block else "text"
        chunks.append(Chunk(doc.id, doc.name, block, start, pos, section="一、基本情况", index=i, kind=kind))
    return chunks


def make_figure(doc: Document, chunks: list[Chunk], metric: str, canonical: str, evidence: str,
                value: str, unit: str, base_value: str, base_unit: str, quantity_kind: str,
                **kw: object) -> Figure:
    start = doc.text.index(evidence)
    chunk = next(c for c in chunks if c.start <= start < c.end)
    return Figure(doc_id=doc.id, doc_name=doc.name, metric=metric, canonical=canonical, context=evidence,
                  value=Decimal(value), unit=unit, base_value=Decimal(base_value), base_unit=base_unit,
                  quantity_kind=quantity_kind, org=doc.org, year=doc.year, report_type=doc.report_type,
                  section=chunk.section, start=start, end=start + len(evidence), evidence=evidence,
                  chunk_id=chunk.id, **kw)  # type: ignore[arg-type]


def haizhu(sha: str = "a" * 64) -> tuple[Document, list[Chunk], list[Figure]]:
    doc = make_doc("001_海珠区应急管理局.txt", HAIZHU_TEXT, "广州市海珠区应急管理局", 2022, sha)
    chunks = make_chunks(doc)
    figures = [
        make_figure(doc, chunks, "年初预算", "年初预算", "年初预算为2626.63万元", "2626.63", "万元",
                    "26266300", "元", "money", kind="budget"),
        make_figure(doc, chunks, "本年支出", "本年支出", "本年支出2681.33万元", "2681.33", "万元",
                    "26813300", "元", "money"),
        make_figure(doc, chunks, "预算执行率", "预算执行率", "预算执行率为98.15%", "98.15", "%",
                    "98.15", "%", "percent", extra={"source": "text", "备注": "自评"}),
        make_figure(doc, chunks, "预算编制偏差率", "预算偏差率", "预算编制偏差率\t≤5%\t0.10%", "0.10", "%",
                    "0.10", "%", "percent"),
    ]
    return doc, chunks, figures


def city() -> tuple[Document, list[Chunk], list[Figure]]:
    doc = make_doc("000_广州市应急管理局.txt", CITY_TEXT, "广州市应急管理局", 2020, "b" * 64)
    chunks = make_chunks(doc)
    figures = [
        make_figure(doc, chunks, "部门年度整体预算完成率", "预算执行率", "部门年度整体预算完成率：99.23%",
                    "99.23", "%", "99.23", "%", "percent"),
        make_figure(doc, chunks, "安全事故处理完成率", "安全事故处理完成率", "完成率达到95%", "95", "%",
                    "95", "%", "percent", kind="target", qualifier="达到"),
    ]
    return doc, chunks, figures


def ingest(store: FigureStore, doc: Document, chunks: list[Chunk], figures: list[Figure]) -> DocumentInfo | None:
    return store.replace_document(doc, chunks, figures, [tokenize(c.text) for c in chunks])


def by_start(figures: list[Figure]) -> list[Figure]:
    return sorted(figures, key=lambda f: (f.doc_name, f.start, f.end, f.id))


def test_empty_store(store: FigureStore) -> None:
    assert store.documents() == []
    assert store.get_document("nothing.txt") is None
    assert store.generation() == 0
    assert store.chunks() == [] and store.chunk_tokens() == ([], [])
    assert store.figures() == [] and store.coverage() == []
    assert store.get_chunks(["nope"]) == {}


def test_replace_new_document_round_trips_everything(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    before = datetime.now(UTC) - timedelta(seconds=5)
    assert ingest(store, doc, chunks, figures) is None
    info = store.get_document(doc.name)
    assert info is not None
    assert (info.id, info.name, info.sha256, info.org, info.year) == (
        doc.id, doc.name, doc.sha256, "广州市海珠区应急管理局", 2022)
    assert (info.title, info.path, info.report_type) == (doc.title, doc.path, doc.report_type)
    assert (info.n_chunks, info.n_figures) == (len(chunks), len(figures))
    assert info.ingested_at.tzinfo is not None and before <= info.ingested_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert store.documents() == [info]
    assert store.generation() == 1
    assert store.chunks() == chunks
    stored = store.figures()
    assert stored == by_start(figures)
    assert [f.extra for f in stored] == [f.extra for f in by_start(figures)]


def test_document_text_round_trips(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    ingest(store, doc, chunks, figures)
    assert store.document_text(doc.id) == doc.text == store.document_text(doc.name)
    stored = store.figures(metric="预算执行率")[0]
    assert doc.text[stored.start:stored.end] == stored.evidence == "预算执行率为98.15%"
    new_doc, new_chunks, new_figures = haizhu("f" * 64)
    ingest(store, new_doc, new_chunks, new_figures)
    with pytest.raises(NotFound, match=doc.id):
        store.document_text(doc.id)  # the replaced version is gone


def test_decimals_come_back_exact(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    ingest(store, doc, chunks, figures)
    values = {f.metric: f for f in store.figures(doc_id=doc.id)}
    assert values["年初预算"].value == Decimal("2626.63") and str(values["年初预算"].value) == "2626.63"
    assert isinstance(values["年初预算"].value, Decimal)
    assert str(values["年初预算"].base_value) == "26266300"
    assert str(values["预算编制偏差率"].value) == "0.10"  # the scale survives, not 0.1
    assert str(values["预算执行率"].value) == "98.15" and values["预算执行率"].display == "98.15%"
    assert values["预算执行率"].extra == {"source": "text", "备注": "自评"}


def test_chunks_tokens_and_lookup(store: FigureStore) -> None:
    (d1, c1, f1), (d2, c2, f2) = haizhu(), city()
    ingest(store, d1, c1, f1)
    ingest(store, d2, c2, f2)
    assert store.chunks([d2.id]) == c2
    assert store.chunks([d1.id, d2.id]) == c2 + c1  # ordered by document name, then position
    ids, tokens = store.chunk_tokens()
    assert sorted(ids) == sorted(c.id for c in c1 + c2) and len(tokens) == len(ids)
    by_id = dict(zip(ids, tokens, strict=True))
    target = next(c for c in c1 if "98.15%" in c.text)
    assert by_id[target.id] == tokenize(target.text)
    assert "执行率" in by_id[target.id] and "2626.63" in by_id[target.id]
    got = store.get_chunks([target.id, "missing", c2[0].id, target.id])
    assert got == {target.id: target, c2[0].id: c2[0]}


def test_figure_filters(store: FigureStore) -> None:
    (d1, c1, f1), (d2, c2, f2) = haizhu(), city()
    ingest(store, d1, c1, f1)
    ingest(store, d2, c2, f2)
    assert {f.org for f in store.figures(org="广州市应急管理局")} == {"广州市应急管理局"}
    assert store.figures(org="广州市") == []  # org is an exact match
    assert len(store.figures(year=2022)) == len(f1)
    # the filter looks into the metric as written and into the canonical name
    rates = store.figures(metric="预算执行率")
    assert [(f.doc_name, f.value) for f in rates] == [(d2.name, Decimal("99.23")), (d1.name, Decimal("98.15"))]
    assert [f.metric for f in store.figures(metric="偏差")] == ["预算编制偏差率"]
    assert [f.value for f in store.figures(metric="执行率", year=2022, org="广州市海珠区应急管理局")] == [
        Decimal("98.15")]
    assert store.figures(metric="%") == [] and store.figures(metric="_") == []  # LIKE wildcards are escaped
    assert store.figures(doc_id=d2.id) == by_start(f2)
    assert store.figures(year=2021) == []


def test_coverage_counts_per_document_and_metric(store: FigureStore) -> None:
    (d1, c1, f1), (d2, c2, f2) = haizhu(), city()
    ingest(store, d1, c1, f1 + [dataclasses.replace(f1[2], start=f1[2].start + 1)])
    ingest(store, d2, c2, f2)
    assert store.coverage() == [
        (d2.name, "安全事故处理完成率", 1), (d2.name, "预算执行率", 1),
        (d1.name, "年初预算", 1), (d1.name, "本年支出", 1), (d1.name, "预算偏差率", 1), (d1.name, "预算执行率", 2),
    ]


def test_replace_same_name_swaps_everything(store: FigureStore) -> None:
    old_doc, old_chunks, old_figures = haizhu("a" * 64)
    ingest(store, old_doc, old_chunks, old_figures)
    new_doc, new_chunks, new_figures = haizhu("c" * 64)  # same file name, new bytes -> new id
    assert new_doc.id != old_doc.id
    replaced = ingest(store, new_doc, new_chunks[:2], new_figures[:1])
    assert replaced is not None and replaced.id == old_doc.id and replaced.sha256 == "a" * 64
    assert [d.id for d in store.documents()] == [new_doc.id]
    assert store.chunks() == new_chunks[:2]
    assert store.figures() == new_figures[:1]
    assert store.chunk_tokens()[0] == sorted(c.id for c in new_chunks[:2])
    assert store.generation() == 2
    # re-ingesting the very same document (same id) works too
    assert ingest(store, new_doc, new_chunks, new_figures).id == new_doc.id  # type: ignore[union-attr]
    assert store.get_document(new_doc.name).n_figures == len(new_figures)  # type: ignore[union-attr]


def test_failed_replace_rolls_back_completely(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    ingest(store, doc, chunks, figures)
    before = (store.documents(), store.chunks(), store.chunk_tokens(), store.figures(), store.generation())
    new_doc, new_chunks, new_figures = haizhu("d" * 64)
    broken = dataclasses.replace(new_figures[0], metric=None)  # type: ignore[arg-type]  # NOT NULL, in the transaction
    with pytest.raises(BadInput, match="nothing was changed"):
        ingest(store, new_doc, new_chunks, [*new_figures[1:], broken])
    after = (store.documents(), store.chunks(), store.chunk_tokens(), store.figures(), store.generation())
    assert after == before


def test_bad_input_is_refused_before_touching_the_store(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    with pytest.raises(BadInput, match="one token list per chunk"):
        store.replace_document(doc, chunks, figures, [])
    other, _, _ = city()
    with pytest.raises(BadInput, match="doc_id"):
        ingest(store, doc, chunks, [*figures, dataclasses.replace(figures[0], doc_id=other.id)])
    with pytest.raises(BadInput, match="finite Decimal"):
        ingest(store, doc, chunks, [dataclasses.replace(figures[0], value=Decimal("NaN"))])
    assert store.documents() == [] and store.generation() == 0


def test_repeated_records_are_stored_once(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    info = store.replace_document(doc, chunks + chunks[:1], figures + figures, [tokenize(c.text) for c in chunks + chunks[:1]])
    assert info is None
    stored = store.get_document(doc.name)
    assert stored is not None and (stored.n_chunks, stored.n_figures) == (len(chunks), len(figures))


def test_delete_by_name_or_id(store: FigureStore) -> None:
    (d1, c1, f1), (d2, c2, f2) = haizhu(), city()
    ingest(store, d1, c1, f1)
    ingest(store, d2, c2, f2)
    assert store.delete_document(d1.name).id == d1.id
    assert store.delete_document(d2.id).name == d2.name
    assert store.documents() == [] and store.chunks() == [] and store.figures() == []
    assert store.chunk_tokens() == ([], []) and store.generation() == 4


def test_delete_unknown_raises_not_found_listing_documents(store: FigureStore) -> None:
    with pytest.raises(NotFound, match="'ghost.txt'.*none"):
        store.delete_document("ghost.txt")
    doc, chunks, figures = haizhu()
    ingest(store, doc, chunks, figures)
    with pytest.raises(NotFound) as err:
        store.delete_document("ghost.txt")
    assert "ghost.txt" in str(err.value) and doc.name in str(err.value)
    assert store.generation() == 1


def test_reopening_keeps_data_and_generation(store_target: Any, store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    ingest(store, doc, chunks, figures)
    again = store_target.open()
    try:
        assert again.generation() == 1
        assert again.figures() == by_start(figures)
        ingest(again, *city())
        assert store.generation() == 2  # a second handle sees the change: caches can compare generations
    finally:
        again.close()


def test_store_from_an_older_schema_says_what_to_do(store_target: Any, store: FigureStore) -> None:
    store.close()
    engine = sa.create_engine(store_target.url)
    table = f'"{store_target.schema}".documents' if store_target.schema else "documents"
    with engine.begin() as conn:
        conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN text"))
    engine.dispose()
    with pytest.raises(ReportQAError, match="older reportqa.*documents.text.*ingest again"):
        store_target.open()


def test_sqlite_rejects_schema(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="only supported on PostgreSQL"):
        FigureStore(f"sqlite:///{tmp_path / 'x.sqlite3'}", schema="s1")


def test_unusable_url_is_bad_input() -> None:
    with pytest.raises(BadInput, match="expected sqlite"):
        FigureStore("nosuchdb://x")


def test_confidences_go_with_the_document(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    ingest(store, dataclasses.replace(doc, org_confidence=0.9, year_confidence=0.45, type_confidence=0.0),
           chunks, figures)
    info = store.get_document(doc.name)
    assert info is not None and (info.org_confidence, info.year_confidence, info.type_confidence) == (0.9, 0.45, 0.0)
    assert info.corrected == () and store.documents() == [info]
    ingest(store, *city())  # built without confidences: unknown, not zero
    other = store.get_document("000_广州市应急管理局.txt")
    assert other is not None and (other.org_confidence, other.year_confidence) == (None, None)
    store.delete_document(doc.name)
    assert [d.name for d in store.documents()] == [other.name]


def test_correction_applies_now_and_outlives_the_documents_rows(store: FigureStore) -> None:
    doc, chunks, figures = haizhu()
    ingest(store, dataclasses.replace(doc, org_confidence=0.5, year_confidence=0.9), chunks, figures)
    assert store.correction(doc.name) is None
    info = store.set_correction(doc.id, org="海珠区应急管理局")
    assert (info.org, info.year, info.org_confidence, info.year_confidence, info.corrected) == (
        "海珠区应急管理局", 2022, 1.0, 0.9, ("org",))
    assert {f.org for f in store.figures()} == {"海珠区应急管理局"} and store.generation() == 2
    assert store.figures(org="海珠区应急管理局", year=2022) == store.figures()
    info = store.set_correction(doc.name, year=2021)  # merged with the earlier correction
    assert (info.org, info.year, info.corrected) == ("海珠区应急管理局", 2021, ("org", "year"))
    assert store.correction(doc.name) == Correction(doc.name, "海珠区应急管理局", 2021, None)
    assert {(f.org, f.year) for f in store.figures()} == {("海珠区应急管理局", 2021)}
    ingest(store, doc, chunks, figures)  # rows replaced (ingest applies corrections; the store keeps them)
    again = store.get_document(doc.name)
    assert again is not None and again.corrected == ("org", "year") and again.org == "广州市海珠区应急管理局"
    store.delete_document(doc.name)
    assert store.correction(doc.name) == Correction(doc.name, "海珠区应急管理局", 2021, None)
    assert store.clear_correction(doc.name) and not store.clear_correction(doc.name)
    assert store.correction(doc.name) is None


def test_bad_corrections_are_refused(store: FigureStore) -> None:
    with pytest.raises(NotFound, match="ghost.txt"):
        store.set_correction("ghost.txt", org="某局")
    doc, chunks, figures = haizhu()
    ingest(store, doc, chunks, figures)
    for kw, message in (({}, "nothing to correct"), ({"org": " "}, "cannot be empty"), ({"year": 22}, "not a fiscal year")):
        with pytest.raises(BadInput, match=message):
            store.set_correction(doc.name, **kw)  # type: ignore[arg-type]
    assert store.correction(doc.name) is None and store.generation() == 1
