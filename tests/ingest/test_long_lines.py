"""A long line of numbers with no sentence or clause end (usual in PDF text) costs linear time, ingest and answer
side: every number's evidence and its matching windows stay a window around it, not the whole line."""

from __future__ import annotations

import time

from app.figures.match import WINDOW, views_for
from app.figures.words import figure_words
from app.question.parse import load_lexicon
from core.records import Document
from ingest.chunk import split
from ingest.clauses import MAX_EVIDENCE
from ingest.figures import extract


def dense_line(chars: int) -> str:
    """One line of ``chars`` characters: numbers with units separated by spaces only."""
    parts, i, size = [], 0, 0
    while size < chars:
        part = f"项目{i}支出{i * 3 + 17}.5万元 完成率{(i * 7) % 100}.2% 培训{i % 50}人次"
        parts.append(part)
        size += len(part) + 1
        i += 1
    return " ".join(parts)


def _doc(text: str) -> Document:
    return Document(name="dense.txt", text="2022年度某区财政局部门整体支出绩效自评报告\n" + text + "\n", sha256="x",
                    org="某区财政局", year=2022)


def test_evidence_of_a_number_in_an_endless_line_is_a_window() -> None:
    doc = _doc(dense_line(20_000))
    figures = extract(doc, split(doc))
    assert len(figures) > 1500
    for f in figures:
        num0, num1 = int(f.extra["num_start"]), int(f.extra["num_end"])
        assert f.start <= num0 and num1 <= f.end
        assert f.end - f.start <= 2 * MAX_EVIDENCE + (num1 - num0), (f.metric, f.end - f.start)
        assert len(f.context) <= 2 * MAX_EVIDENCE + 400
    assert next(f for f in figures if f.value == 17.5).unit == "万元"  # "项目0支出17.5万元"


def test_answer_side_windows_are_bounded() -> None:
    doc = _doc(dense_line(20_000))
    figures = extract(doc, split(doc))
    views = views_for(figures, {doc.id: doc.text}, {}, figure_words(load_lexicon(None)))
    longest = max(WINDOW.values())
    for v in views:
        assert len(v.clause) <= 2 * WINDOW[max(WINDOW, key=len)] + 20
        assert len(v.sentence) <= 2 * longest + 20
        assert len(v.wide) <= 2 * longest + len(v.fig.context) + 20


def _extract_seconds(chars: int) -> float:
    doc = _doc(dense_line(chars))
    t = time.perf_counter()
    assert len(extract(doc, split(doc))) > chars // 15
    return time.perf_counter() - t


def test_four_times_the_line_costs_about_four_times_the_time() -> None:
    """Before: 20k characters 1.5 s, 80k about 19 s (quadratic, 13x); now about 4x."""
    small, large = _extract_seconds(20_000), _extract_seconds(80_000)
    assert large < 8 * small + 1.0, (small, large)
