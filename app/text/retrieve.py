"""Hybrid retrieval: dense e5 hits and jieba BM25 hits fused by reciprocal rank, filtered by org/year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.answer import Retrieved

if TYPE_CHECKING:
    from core.records import Chunk
    from vectorstore.bm25 import BM25Index
    from vectorstore.chroma import ChromaStore


COMMON_SHARE = 0.3  # a query word in more than this share of the allowed chunks is about the whole report
MIN_SCOPE_CHUNKS = 6  # fewer allowed chunks: keep every query word


@dataclass(frozen=True)
class Scored:
    chunk: Chunk
    score: float  # fused RRF score
    dense: float  # cosine, 0 when not a dense hit
    bm25: float  # BM25 score, 0 when not a BM25 hit


def as_retrieved(hits: list[Scored], source: Callable[[Chunk], str]) -> list[Retrieved]:
    """Retrieved chunks as the answer reports them: rank order, exact source text, fused score."""
    return [Retrieved(h.chunk.id, h.chunk.doc_name, h.chunk.section, source(h.chunk), h.score) for h in hits]


def rrf(rankings: list[list[str]], k: int = 60, weights: list[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion of several rankings of ids, each optionally weighted."""
    fused: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        w = weights[i] if weights else 1.0
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + w / (k + rank + 1)
    return fused


class HybridRetriever:
    """Dense + BM25 over the committed chunks (the SQL store is the source of truth for what exists)."""

    def __init__(self, chroma: ChromaStore | None, bm25: BM25Index, chunks: dict[str, Chunk],
                 doc_scope: dict[str, tuple[str | None, int | None]], *, dense_k: int = 20, bm25_k: int = 20,
                 rrf_k: int = 10, bm25_weight: float = 2.0, section_weight: float = 1.0) -> None:
        self.chroma, self.bm25, self.chunks, self.doc_scope = chroma, bm25, chunks, doc_scope
        self.dense_k, self.bm25_k, self.rrf_k, self.bm25_weight = dense_k, bm25_k, rrf_k, bm25_weight
        self.section_weight = section_weight  # boost, as a top rank, for chunks in the section a query names

    def _in_named_section(self, query: str, allowed: set[str] | None) -> list[str]:
        """Chunks (of the allowed documents) under a heading naming the section the query asks about
        ("存在的主要问题" -> the chunks under "三、存在的问题"); [] when the query names no such section."""
        from app.text.sections import asked_topic, section_matches

        asked = asked_topic(query)
        if asked is None:
            return []
        return [cid for cid, c in self.chunks.items() if c.kind == "text" and (allowed is None or c.doc_id in allowed)
                and c.section and section_matches(c.section, asked.topic)]

    def _telling(self, query: str, allowed: set[str] | None) -> list[str]:
        """The query's BM25 tokens, without those most chunks of the allowed documents contain.

        Once the question's organisation and year chose the report, words naming the report or its project
        ("食品安全抽检" in a report about food sampling) are in every chunk and only drown the words that
        tell its chunks apart ("自评等级").
        """
        from vectorstore.bm25 import tokenize

        tokens = list(dict.fromkeys(tokenize(query)))
        if allowed is None:
            return tokens
        texts = [c.text.lower() for c in self.chunks.values() if c.doc_id in allowed]
        if len(texts) < MIN_SCOPE_CHUNKS:
            return tokens
        telling = [t for t in tokens if sum(1 for x in texts if t in x) <= COMMON_SHARE * len(texts)]
        return telling or tokens

    def _allowed(self, org: str | None, year: int | None) -> set[str] | None:
        if not org and not year:
            return None
        return {d for d, (o, y) in self.doc_scope.items() if (not org or o == org) and (not year or y == year)}

    def search(self, query: str, k: int = 5, *, org: str | None = None, year: int | None = None,
               dense_only: bool = False) -> list[Scored]:
        allowed = self._allowed(org, year)
        if allowed is not None and not allowed:
            return []
        dense: dict[str, float] = {}
        if self.chroma is not None:
            ids = sorted(allowed) if allowed is not None else None
            for h in self.chroma.search(query, self.dense_k, doc_ids=ids):
                if h.chunk_id in self.chunks:  # vectors of uncommitted/removed documents are ignored
                    dense[h.chunk_id] = h.score
        if dense_only:
            order = sorted(dense, key=lambda c: -dense[c])[:k]
            return [Scored(self.chunks[c], dense[c], dense[c], 0.0) for c in order]
        lexical: dict[str, float] = {}
        for cid, s in self.bm25.search_tokens(self._telling(query, allowed), self.bm25_k * (4 if allowed else 1)):
            if cid in self.chunks and (allowed is None or self.chunks[cid].doc_id in allowed):
                lexical[cid] = s
                if len(lexical) >= self.bm25_k:
                    break
        fused = rrf([sorted(dense, key=lambda c: -dense[c]), sorted(lexical, key=lambda c: -lexical[c])],
                    self.rrf_k, [1.0, self.bm25_weight])
        for cid in self._in_named_section(query, allowed):
            fused[cid] = fused.get(cid, 0.0) + self.section_weight / (self.rrf_k + 1)
        order = sorted(fused, key=lambda c: -fused[c])[:k]
        return [Scored(self.chunks[c], fused[c], dense.get(c, 0.0), lexical.get(c, 0.0)) for c in order]
