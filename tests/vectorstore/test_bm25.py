"""BM25 over jieba tokens: tokenisation, ranking on real report sentences, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import BadInput
from core.records import Chunk, Document
from vectorstore.bm25 import BM25Index, tokenize, words
from vectorstore.figures import FigureStore

# Sentences copied from the two sample reports (a Haizhu district self-evaluation and a city table).
SENTENCES = [
    "预算完成情况：2022年部门年初预算为2626.63万元，经预算调整，本年收入预算为2731.93万元。",
    "其中一般公共预算财政拨款收入2512.93万元，政府性基金预算财政拨款收入219.00万元。",
    "本年支出2681.33万元，其中基本支出2134.84万元，项目支出546.49万元。预算执行率为98.15%。",
    "本部门根据部门职责及年度工作计划，结合工作实际科学规范编制2022年度预算和绩效目标，目标明确且全面。",
    "根据《海珠区应急管理局预算绩效管理办法》的要求，积极进行绩效运行监控工作。",
    "部门全年预算执行情况良好，基本实现了年初设定的绩效目标，因项目支出执行率、预算资金支出进度仍有优化空间，酌情扣减自评分值。",
    "“总值班室工作经费”项目全年预算数为14.18万元，执行数为14.18万元，完成预算的100%。",
    "做好海珠区应急综合应用系统维护工作，全面提升我区突发事件防范处置工作水平。",
    "二是制定印发《海珠区极端暴雨台风防御工作方案》，在极端强降雨和台风期间，提级响应、提级指挥。",
    "其中：部门年度整体预算完成率：99.23%",
    "安全事故处理完成率(%)\t本年实际处理完成的安全事故次数/本年度安全事故总次数,完成率达到95%",
    "危险化学品动态监管平台运行情况：网上巡查生产、存储、许可使用、加油站、批发经营企业，合计：1539家企业档案信息。",
]


def build(sentences: list[str]) -> BM25Index:
    return BM25Index.build([f"c{i}" for i in range(len(sentences))], [tokenize(s) for s in sentences])


def test_tokenize_drops_punctuation_keeps_numbers_and_lowercases() -> None:
    tokens = tokenize("2022年海珠区预算执行率是多少？ ABC，98.15%。")
    assert "2022" in tokens and "98.15%" in tokens and "abc" in tokens
    assert {"海珠区", "预算", "执行率", "预算执行率"} <= set(tokens)
    assert not any(t.isspace() or t in "？，。 " for t in tokens)
    assert tokenize("，。！？  \n\t") == [] and tokenize("") == []


def test_tokenize_splits_rates_from_the_verb() -> None:
    # jieba alone gives "执行", "率为"; the rate must be a token so questions can match it.
    assert "执行率" in tokenize("预算执行率为98.15%")
    assert "及时率" in tokenize("信息报送及时率为100%")


def test_budget_execution_question_ranks_the_right_sentence_first() -> None:
    index = build(SENTENCES)
    hits = index.search("2022年海珠区预算执行率是多少", k=5)
    assert hits[0][0] == "c2"
    assert len(hits) <= 5
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


@pytest.mark.parametrize(("query", "expected"), [
    ("部门年度整体预算完成率", "c9"),
    ("安全事故处理完成率", "c10"),
    ("总值班室工作经费执行数", "c6"),
    ("危险化学品企业档案信息合计多少家", "c11"),
])
def test_other_questions_find_their_sentence(query: str, expected: str) -> None:
    assert build(SENTENCES).search(query, k=3)[0][0] == expected


def test_unknown_or_empty_queries_and_corpus_give_nothing() -> None:
    index = build(SENTENCES)
    assert index.search("量子计算机") == []
    assert index.search("？！") == [] and index.search("") == []
    assert index.search("预算执行率", k=0) == []
    empty = BM25Index.build([], [])
    assert len(empty) == 0 and empty.search("预算执行率") == []


def test_words_keep_genre_words_whole() -> None:
    assert words("部门整体支出绩效目标是什么？") == ["部门", "整体支出", "绩效目标", "是", "什么"]


def test_search_with_filtered_tokens() -> None:
    index = build(SENTENCES)
    assert index.search_tokens(tokenize("预算执行率")) == index.search("预算执行率")
    assert index.search_tokens([]) == [] and index.search_tokens(["量子"]) == []


def test_chunk_without_tokens_is_indexed_but_never_found() -> None:
    index = BM25Index.build(["a", "b"], [[], tokenize("预算执行率为98.15%")])
    assert [i for i, _ in index.search("预算执行率")] == ["b"]


def test_misaligned_input_is_bad_input() -> None:
    with pytest.raises(BadInput, match="one token list per chunk id"):
        BM25Index.build(["a", "b"], [["预算"]])


def test_save_and_load_by_generation(tmp_path: Path) -> None:
    index = build(SENTENCES)
    folder = tmp_path / "bm25"
    index.save(folder, generation=7)
    loaded = BM25Index.load(folder, 7)
    assert loaded is not None
    query = "2022年海珠区预算执行率是多少"
    assert loaded.search(query) == index.search(query)
    assert BM25Index.load(folder, 8) is None  # built for another generation: stale
    assert BM25Index.load(tmp_path / "missing", 7) is None
    # a smaller index saved over a bigger one replaces it
    build(SENTENCES[:3]).save(folder, generation=8)
    again = BM25Index.load(folder, 8)
    assert again is not None and len(again) == 3 and again.search(query)[0][0] == "c2"
    BM25Index.build([], []).save(folder, generation=9)
    emptied = BM25Index.load(folder, 9)
    assert emptied is not None and emptied.search(query) == []


def test_index_from_the_store_resolves_to_chunks(store: FigureStore) -> None:
    text = "\n\n".join(SENTENCES)
    doc = Document(name="001_报告.txt", text=text, sha256="e" * 64, org="广州市海珠区应急管理局", year=2022)
    chunks, pos = [], 0
    for i, s in enumerate(SENTENCES):
        start = text.index(s, pos)
        pos = start + len(s)
        chunks.append(Chunk(doc.id, doc.name, s, start, pos, index=i))
    store.replace_document(doc, chunks, [], [tokenize(c.text) for c in chunks])
    index = BM25Index.build(*store.chunk_tokens())
    best_id, _ = index.search("2022年海珠区预算执行率是多少")[0]
    assert "预算执行率为98.15%" in store.get_chunks([best_id])[best_id].text
