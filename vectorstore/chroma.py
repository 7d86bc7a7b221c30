"""Chroma adapter: chunk vectors in a persistent (or client/server) collection that records its model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.config import Settings
from core.errors import ModelMismatch

if TYPE_CHECKING:
    from core.protocols import Embedder
    from core.records import Chunk


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    score: float  # cosine similarity


def _embedding_function(embedder: Embedder, settings: Settings) -> Any:
    """Wrap our Embedder as a Chroma EmbeddingFunction, so Chroma never falls back to its downloading default."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class ReportQAEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, inner: Embedder) -> None:
            self.inner = inner

        def __call__(self, input: Documents) -> Embeddings:
            import numpy as np

            return [np.asarray(v, dtype=np.float32) for v in self.inner.embed_documents(list(input))]

        def embed_query(self, input: Documents) -> Embeddings:
            import numpy as np

            return [np.asarray(self.inner.embed_query(t), dtype=np.float32) for t in input]

        @staticmethod
        def name() -> str:
            return "reportqa"

        def get_config(self) -> dict[str, Any]:
            return {"model_id": self.inner.model_id, "embedder": settings.embedder,
                    "models_dir": str(settings.models_dir)}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> ReportQAEmbeddingFunction:
            from vectorstore.embedder import make_embedder

            s = Settings(embedder=config["embedder"], models_path=config["models_dir"])
            return ReportQAEmbeddingFunction(make_embedder(s))

        def default_space(self) -> Any:
            return "cosine"

    return ReportQAEmbeddingFunction(embedder)


class ChromaStore:
    """One collection of chunk vectors; metadata carries doc id, org and year for filtering."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedder = embedder
        self.pace: Callable[[], int] | None = None  # before each embedding batch: its size (questions come first)
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_url:
            from urllib.parse import urlparse

            u = urlparse(settings.chroma_url)
            self.client = chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                              ssl=u.scheme == "https", settings=chroma_settings)
        else:
            settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
        self.collection = self.client.get_or_create_collection(
            settings.collection,
            embedding_function=_embedding_function(embedder, settings),
            metadata={"model_id": embedder.model_id, "hnsw:space": "cosine"},
        )
        built_with = (self.collection.metadata or {}).get("model_id")
        if built_with != embedder.model_id:
            raise ModelMismatch(
                f"the vector collection {settings.collection!r} was built with {built_with}, the settings ask for "
                f"{embedder.model_id}: use the embedder it was built with, or delete the data directory "
                f"({settings.data_dir}) and ingest again")

    def add(self, chunks: list[Chunk], org: str | None, year: int | None) -> None:
        """Embed and upsert chunks (ids are stable, so this is idempotent)."""
        if not chunks:
            return
        vectors: list[list[float]] = []
        while len(vectors) < len(chunks):  # ``pace`` (set by the Assistant) says how many at a time, and waits
            n = self.pace() if self.pace is not None else len(chunks)
            vectors += self.embedder.embed_documents([c.text for c in chunks[len(vectors):len(vectors) + n]])
        meta: list[Any] = [{"doc_id": c.doc_id, "doc": c.doc_name, "org": org or "", "year": year or 0,
                            "kind": c.kind} for c in chunks]
        for i in range(0, len(chunks), 500):
            part = slice(i, i + 500)
            self.collection.upsert(ids=[c.id for c in chunks[part]], embeddings=vectors[part],  # type: ignore[arg-type]
                                   documents=[c.text for c in chunks[part]], metadatas=meta[part])

    def delete_doc(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: list[str]) -> None:
        if ids:
            self.collection.delete(ids=ids)

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Ids of the vectors stored for one document."""
        return list(self.collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def doc_ids(self) -> set[str]:
        got = self.collection.get(include=["metadatas"])
        return {str(m["doc_id"]) for m in (got.get("metadatas") or []) if m}

    def search(self, query: str, k: int, *, org: str | None = None, year: int | None = None,
               doc_ids: list[str] | None = None) -> list[Hit]:
        """Nearest chunks to the question (query prompt), best first."""
        if self.collection.count() == 0:
            return []
        conds: list[dict[str, Any]] = []
        if org:
            conds.append({"org": org})
        if year:
            conds.append({"year": year})
        if doc_ids is not None:
            conds.append({"doc_id": {"$in": doc_ids}})
        where: Any = None if not conds else conds[0] if len(conds) == 1 else {"$and": conds}
        res = self.collection.query(query_embeddings=[self.embedder.embed_query(query)],  # type: ignore[arg-type]
                                    n_results=min(k, self.collection.count()), where=where,
                                    include=["distances"])
        ids = (res.get("ids") or [[]])[0]
        dists = (res.get("distances") or [[]])[0]
        return [Hit(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
