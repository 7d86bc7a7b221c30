"""`reportqa doctor`: do the SQL store, the Chroma vectors, the BM25 index and the uploads folder agree?"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vectorstore.bm25 import BM25Index

if TYPE_CHECKING:
    from vectorstore.chroma import ChromaStore
    from vectorstore.figures import FigureStore

log = logging.getLogger(__name__)


@dataclass
class Checkup:
    """What the stores hold and where they disagree; ``fixed`` says what ``repair`` did."""

    documents: int
    chunks: int
    vectors: int
    orphan_vectors: list[str]  # vector ids whose chunk is in no committed document (an ingest killed midway)
    missing_vectors: dict[str, list[str]]  # document id -> its chunk ids without a vector
    bm25: str  # "current", "stale" (rebuilt at the next question), "wrong" (current generation, other chunks)
    orphan_uploads: list[str]  # files in uploads/ that no document uses (failed uploads, half-written parts)
    fixed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.orphan_vectors or self.missing_vectors or self.bm25 == "wrong" or self.orphan_uploads)

    def lines(self) -> list[str]:
        """The checkup for people, one finding a line."""
        out = [f"{self.documents} documents, {self.chunks} chunks in SQL, {self.vectors} vectors in Chroma"]
        if self.orphan_vectors:
            out.append(f"{len(self.orphan_vectors)} vectors belong to no committed document (orphans)")
        if self.missing_vectors:
            n = sum(len(v) for v in self.missing_vectors.values())
            out.append(f"{n} chunks of {len(self.missing_vectors)} documents have no vector")
        out.append({"current": "BM25 index is current", "stale": "BM25 index is stale (rebuilt at the next question)",
                    "wrong": "BM25 index does not match the chunks of its generation"}[self.bm25])
        if self.orphan_uploads:
            out.append(f"{len(self.orphan_uploads)} files in uploads/ are used by no document: "
                       + ", ".join(self.orphan_uploads[:5]) + (" …" if len(self.orphan_uploads) > 5 else ""))
        out += [f"fixed: {f}" for f in self.fixed]
        out.append("consistent" if self.ok else "NOT consistent: run `reportqa doctor --fix` while no ingest runs")
        return out


def _uploads(store: FigureStore, data_dir: Path) -> list[str]:
    folder = data_dir / "uploads"
    if not folder.is_dir():
        return []
    used = {Path(d.path).resolve() for d in store.documents() if d.path}
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.resolve() not in used)


def check(store: FigureStore, chroma: ChromaStore, data_dir: Path) -> Checkup:
    """Compare the stores. Vectors of an ingest still running look like orphans: check while none runs."""
    chunk_doc = store.chunk_ids()
    vectors = set(chroma.collection.get(include=[])["ids"])
    missing: dict[str, list[str]] = {}
    for cid, doc_id in chunk_doc.items():
        if cid not in vectors:
            missing.setdefault(doc_id, []).append(cid)
    saved = BM25Index.saved(data_dir / "bm25")
    gen = store.generation()
    bm25 = "stale" if saved is None or saved[0] != gen else (
        "current" if set(saved[1]) == set(chunk_doc) else "wrong")
    return Checkup(len(store.documents()), len(chunk_doc), len(vectors), sorted(vectors - set(chunk_doc)), missing,
                   bm25, _uploads(store, data_dir))


def repair(store: FigureStore, chroma: ChromaStore, data_dir: Path) -> Checkup:
    """Fix what ``check`` finds: delete orphan vectors and unused uploads, embed missing vectors again from the
    stored chunks, rebuild the BM25 index; then check again. Nothing committed is deleted."""
    first = check(store, chroma, data_dir)
    fixed: list[str] = []
    if first.orphan_vectors:
        chroma.delete_ids(first.orphan_vectors)
        fixed.append(f"deleted {len(first.orphan_vectors)} orphan vectors")
    docs = {d.id: d for d in store.documents()}
    for doc_id, ids in first.missing_vectors.items():
        want = set(ids)
        chroma.add([c for c in store.chunks([doc_id]) if c.id in want], docs[doc_id].org, docs[doc_id].year)
        fixed.append(f"embedded {len(ids)} missing vectors of {docs[doc_id].name}")
    if first.bm25 != "current":
        gen = store.generation()
        BM25Index.build(*store.chunk_tokens()).save(data_dir / "bm25", gen)
        fixed.append("rebuilt the BM25 index")
    for name in first.orphan_uploads:
        (data_dir / "uploads" / name).unlink(missing_ok=True)
    if first.orphan_uploads:
        fixed.append(f"removed {len(first.orphan_uploads)} unused uploads")
    after = check(store, chroma, data_dir)
    after.fixed = fixed
    return after


def quick(store: FigureStore, chroma: ChromaStore) -> str | None:
    """The cheap check made at start: counts only. A message when chunks and vectors differ, else None."""
    chunks, vectors = len(store.chunk_ids()), chroma.collection.count()
    if chunks == vectors:
        return None
    return (f"the stores disagree: {chunks} chunks in SQL, {vectors} vectors in Chroma (an ingest was killed "
            "midway?); run `reportqa doctor` to see, `reportqa doctor --fix` to repair")
