"""Chroma adapter on a real persistent client in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from core.errors import ModelMismatch
from core.records import Chunk
from vectorstore.chroma import ChromaStore
from vectorstore.embedder import HashEmbedder


def _chunks(doc: str, texts: list[str]) -> list[Chunk]:
    return [Chunk(doc, f"{doc}.txt", t, i * 100, i * 100 + len(t), "s", i) for i, t in enumerate(texts)]


def test_add_search_filter_delete(hash_settings: Settings) -> None:
    store = ChromaStore(hash_settings, HashEmbedder())
    store.add(_chunks("a", ["预算执行率为98.15%", "开展应急演练182场次"]), "广州市海珠区应急管理局", 2022)
    store.add(_chunks("b", ["部门年度整体预算完成率：99.23%"]), "广州市应急管理局", 2020)
    hits = store.search("预算执行率为98.15%", 3)
    assert hits[0].chunk_id == _chunks("a", ["预算执行率为98.15%"])[0].id
    only_b = store.search("预算执行率", 3, doc_ids=["b"])
    assert {h.chunk_id for h in only_b} == {_chunks("b", ["部门年度整体预算完成率：99.23%"])[0].id}
    store.delete_doc("a")
    assert store.doc_ids() == {"b"}


def test_upsert_is_idempotent(hash_settings: Settings) -> None:
    store = ChromaStore(hash_settings, HashEmbedder())
    chunks = _chunks("a", ["预算执行率为98.15%"])
    store.add(chunks, None, None)
    store.add(chunks, None, None)
    assert store.collection.count() == 1


def test_refuses_to_mix_models(hash_settings: Settings) -> None:
    ChromaStore(hash_settings, HashEmbedder()).add(_chunks("a", ["预算执行率为98.15%"]), None, None)

    class Other(HashEmbedder):
        model_id = "another-model"

    with pytest.raises(ModelMismatch, match="hash-bigram-384"):
        ChromaStore(hash_settings, Other())


def test_reopens_persistent_collection(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, embedder="hash")
    ChromaStore(s, HashEmbedder()).add(_chunks("a", ["预算执行率为98.15%"]), None, None)
    assert ChromaStore(s, HashEmbedder()).collection.count() == 1
