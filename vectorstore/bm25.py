"""Keyword retrieval: jieba tokens scored with BM25 (bm25s), saved next to the store generation."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jieba

log = logging.getLogger(__name__)

# Bump when tokenize() changes: tokens stored at ingest must be rebuilt (re-ingest) to match queries.
TOKENIZER_VERSION = 1

# Budget-report vocabulary jieba splits badly (e.g. "执行率为" -> "执行", "率为"). Genre words only,
# never strings of particular reports. lcut_for_search still emits the shorter words inside them.
GENRE_WORDS = (
    "预算执行率", "执行率", "及时率", "偏差率", "完成率", "达标率", "到位率", "满意率", "知晓率",
    "执行进度", "绩效目标", "绩效指标", "绩效自评", "自评", "自评报告", "整体支出", "项目支出",
    "基本支出", "一般公共预算", "政府性基金", "财政拨款收入", "年初预算", "调整预算", "三公经费",
    "公用经费", "人员经费", "产出指标", "效益指标", "满意度指标", "指标值", "完成值", "目标值",
)

_META = "reportqa_bm25.json"
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """Our own jieba tokenizer (so the genre words do not change jieba for other users), built once."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            for word in GENRE_WORDS:
                tok.add_word(word, freq=tok.suggest_freq(word, tune=False))
            _tokenizer = tok
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """Split text into lowercased search tokens.

    Args:
        text: Chinese (or mixed) text, a chunk or a question.

    Returns:
        jieba search-mode tokens without punctuation or whitespace tokens; numbers such as "2022" and
        "98.15%" are kept as tokens.
    """
    return [t.lower() for t in _jieba().lcut_for_search(text) if any(ch.isalnum() for ch in t)]


def words(text: str) -> list[str]:
    """Split text into words (jieba precise mode, genre words kept whole), without punctuation or spaces.

    Unlike tokenize() no shorter words inside longer ones are added: "绩效目标" stays one word. Used to
    check which of a question's words a passage contains.
    """
    return [t for t in _jieba().lcut(text) if any(ch.isalnum() for ch in t)]


def _unique(tokens: list[str]) -> list[str]:
    return list(dict.fromkeys(tokens))


class BM25Index:
    """A BM25 index over chunk ids; build it from the tokens stored with the chunks."""

    def __init__(self, ids: list[str], retriever: Any | None) -> None:
        self.ids = ids
        self._retriever = retriever  # bm25s.BM25, or None for an empty corpus

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, ids: list[str], tokens: list[list[str]]) -> BM25Index:
        """Index pre-tokenised chunks.

        Args:
            ids: chunk ids, one per chunk.
            tokens: the chunk tokens from tokenize(), aligned with ``ids``.

        Returns:
            The index; an empty corpus gives an index whose search returns [].
        """
        if len(ids) != len(tokens):
            from core.errors import BadInput

            raise BadInput(
                f"BM25Index.build needs one token list per chunk id; got {len(ids)} ids and "
                f"{len(tokens)} token lists: pass the output of FigureStore.chunk_tokens()"
            )
        if not ids:
            return cls([], None)
        import bm25s

        retriever = bm25s.BM25()
        # bm25s wants at least one token per document; an empty chunk gets a token no query produces.
        corpus = [list(t) if t else [" "] for t in tokens]
        retriever.index(corpus, show_progress=False)
        return cls(list(ids), retriever)

    def search(self, query: str, k: int = 20) -> list[tuple[str, float]]:
        """Rank chunks for a question.

        Args:
            query: the question text (tokenised here with tokenize()).
            k: how many results at most.

        Returns:
            (chunk id, score) pairs, best first, only scores above zero; [] when nothing matches.
        """
        return self.search_tokens(tokenize(query), k)

    def search_tokens(self, tokens: list[str], k: int = 20) -> list[tuple[str, float]]:
        """Rank chunks for query tokens already made by tokenize() (and perhaps filtered); see search()."""
        if self._retriever is None or k <= 0:
            return []
        vocab = self._retriever.vocab_dict
        token_ids = [vocab[t] for t in _unique(tokens) if t in vocab and t]
        if not token_ids:
            return []
        import numpy as np

        scores = np.asarray(self._retriever.get_scores(token_ids), dtype=float)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]

    def save(self, folder: Path, generation: int) -> None:
        """Write the index to ``folder``, stamped with the store generation it was built from."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _META).unlink(missing_ok=True)  # no stale meta may vouch for half-written files
        if self._retriever is not None:
            self._retriever.save(str(folder), show_progress=False)
        meta = {"generation": generation, "tokenizer": TOKENIZER_VERSION, "ids": self.ids}
        # The meta file is written last, atomically: a half-written index has no meta and is not loaded.
        tmp = folder / (_META + ".tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp.replace(folder / _META)

    @staticmethod
    def saved(folder: Path) -> tuple[int, list[str]] | None:
        """The generation and chunk ids of the index saved in ``folder``, or None when none is readable."""
        try:
            meta = json.loads((Path(folder) / _META).read_text(encoding="utf-8"))
            return int(meta["generation"]), [str(i) for i in meta.get("ids", [])]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def load(cls, folder: Path, generation: int) -> BM25Index | None:
        """Read an index saved by save().

        Returns:
            The index, or None when the folder holds none, or one built for another generation or
            tokenizer version (then build a new one from FigureStore.chunk_tokens()).
        """
        path = Path(folder) / _META
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("generation") != generation or meta.get("tokenizer") != TOKENIZER_VERSION:
            return None
        ids = [str(i) for i in meta.get("ids", [])]
        if not ids:
            return cls([], None)
        import bm25s

        try:
            retriever = bm25s.BM25.load(str(folder), show_progress=False)
        except (OSError, ValueError) as exc:
            log.warning("BM25 index in %s is unreadable (%s); it will be rebuilt", folder, exc)
            return None
        if retriever.scores.get("num_docs") != len(ids):
            return None
        return cls(ids, retriever)
