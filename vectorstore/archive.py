"""`reportqa export`: the data directory (SQL rows, Chroma vectors, uploads, feedback) as one .tar.gz archive.

The archive is the same whichever back-ends wrote it (SQLite or PostgreSQL, a Chroma folder or server), so a store
can be moved between them; ``vectorstore.restore`` reads it back. Layout::

    manifest.json      format, version, embedder and model id, counts, sha256 and size of every other member
    sql/<table>.jsonl  one JSON object per row (documents, document_meta, document_corrections, chunks, figures)
    vectors.jsonl      per vector: id, document, metadata (the order of the rows of vectors.npy)
    vectors.npy        the embeddings, float32, one row per vector
    uploads/<name>     the uploaded files stored documents use (their path is kept as "uploads/<name>")
    feedback.sqlite3   staff feedback from the web chat, when there is any
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.errors import ReportQAError
from vectorstore.figures import chunks_t, corrections_t, doc_meta_t, documents_t, figures_t, meta_t

if TYPE_CHECKING:
    from core.config import Settings
    from vectorstore.chroma import ChromaStore
    from vectorstore.figures import FigureStore

FORMAT = "reportqa-archive"
VERSION = 1
MANIFEST = "manifest.json"
TABLES = (documents_t, doc_meta_t, corrections_t, chunks_t, figures_t)  # in insert order (foreign keys)
UPLOADS = "uploads/"
_TRIES = 3


@dataclass(frozen=True)
class Summary:
    """What an export wrote or an import restored."""

    documents: int
    chunks: int
    figures: int
    vectors: int
    uploads: int
    feedback: bool

    def line(self) -> str:
        return (f"{self.documents} documents, {self.chunks} chunks, {self.figures} figures, {self.vectors} vectors, "
                f"{self.uploads} uploaded files" + (", feedback" if self.feedback else ""))


def _plain(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def read_rows(store: FigureStore) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """Every row of every table, read at one generation of the store (read again when a commit lands meanwhile).

    Raises:
        ReportQAError: the store kept changing (an ingest runs): try again when it ends.
    """
    for _ in range(_TRIES):
        with store._engine.connect() as conn:
            before = int(conn.execute(sa.select(meta_t.c.generation)).scalar_one())
            rows = {t.name: [{k: _plain(v) for k, v in r._mapping.items()} for r in conn.execute(sa.select(t))]
                    for t in TABLES}
            after = int(conn.execute(sa.select(meta_t.c.generation)).scalar_one())
        if before == after:
            return before, rows
    raise ReportQAError("the stores changed while they were read (an ingest or delete is running); export "
                        "again when it has finished")


def _vectors(chroma: ChromaStore, ids: list[str]) -> tuple[list[dict[str, Any]], Any]:
    """The stored vector of every chunk id, in that order: (rows of id, document, metadata; float32 matrix)."""
    import numpy as np

    rows: list[dict[str, Any]] = []
    matrix: list[Any] = []
    for i in range(0, len(ids), 1000):
        part = ids[i:i + 1000]
        got = chroma.collection.get(ids=part, include=["embeddings", "documents", "metadatas"])
        found = {vid: k for k, vid in enumerate(got["ids"])}
        missing = [vid for vid in part if vid not in found]
        if missing:
            raise ReportQAError(f"{len(missing)} stored chunks have no vector (an ingest was killed midway?); run "
                                "`reportqa doctor --fix`, then export again")
        for vid in part:
            k = found[vid]
            rows.append({"id": vid, "document": (got["documents"] or [])[k], "metadata": (got["metadatas"] or [])[k]})
            matrix.append((got["embeddings"] if got["embeddings"] is not None else [])[k])
    return rows, np.asarray(matrix, dtype=np.float32) if matrix else np.zeros((0, 0), dtype=np.float32)


def _uploaded(rows: list[dict[str, Any]], folder: Path) -> dict[str, Path]:
    """Archive name -> file, for each document whose file lies in the uploads folder; its row's path becomes
    that archive name (restored into the uploads folder of the data directory it is imported into)."""
    out: dict[str, Path] = {}
    root = folder.resolve()
    for row in rows:
        path = Path(row["path"]).resolve() if row["path"] else None
        if path is not None and path.parent == root and path.is_file():
            row["path"] = UPLOADS + path.name
            out[row["path"]] = path
    return out


def _feedback_copy(settings: Settings, tmp: Path) -> Path | None:
    """A consistent copy of the feedback database (SQLite's backup), or None when there is none."""
    src = settings.data_dir / "feedback.sqlite3"
    if not src.is_file():
        return None
    copy = tmp / "feedback.sqlite3"
    with sqlite3.connect(src) as a, sqlite3.connect(copy) as b:
        a.backup(b)
    a.close()
    b.close()
    return copy


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def export_data(store: FigureStore, chroma: ChromaStore, settings: Settings, target: Path) -> Summary:
    """Write the data directory's reports, vectors, uploads and feedback to ``target`` (.tar.gz).

    The archive is written next to ``target`` and renamed into place at the end: an interrupted export leaves
    no half archive under that name.

    Raises:
        ReportQAError: chunks without vectors (run ``reportqa doctor --fix`` first), or the stores kept changing.
    """
    import numpy as np

    generation, rows = read_rows(store)
    vector_rows, matrix = _vectors(chroma, [r["id"] for r in rows[chunks_t.name]])
    uploads = _uploaded(rows[documents_t.name], settings.data_dir / "uploads")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".reportqa-export-", dir=target.parent) as tmp_dir:
        tmp = Path(tmp_dir)
        members: dict[str, Path] = {}
        for name, table_rows in rows.items():
            members[f"sql/{name}.jsonl"] = _jsonl(tmp / f"{name}.jsonl", table_rows)
        members["vectors.jsonl"] = _jsonl(tmp / "vectors.jsonl", vector_rows)
        np.save(tmp / "vectors.npy", matrix, allow_pickle=False)
        members["vectors.npy"] = tmp / "vectors.npy"
        members.update(uploads)
        feedback = _feedback_copy(settings, tmp)
        if feedback is not None:
            members["feedback.sqlite3"] = feedback
        manifest = {"format": FORMAT, "version": VERSION, "created": datetime.now(UTC).isoformat(),
                    "embedder": settings.embedder, "model_id": chroma.embedder.model_id,
                    "dim": int(matrix.shape[1]) if matrix.size else 0, "generation": generation,
                    "counts": {**{name: len(r) for name, r in rows.items()}, "vectors": len(vector_rows)},
                    "files": {name: {"sha256": _digest(p), "size": p.stat().st_size} for name, p in members.items()}}
        part = tmp / "archive.tar.gz"
        with tarfile.open(part, "w:gz") as tar:
            raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(raw), int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(raw))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        os.replace(part, target)
    return Summary(len(rows[documents_t.name]), len(rows[chunks_t.name]), len(rows[figures_t.name]),
                   len(vector_rows), len(uploads), feedback is not None)


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def jsonl_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) of every non-empty line."""
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                yield n, json.loads(line)
