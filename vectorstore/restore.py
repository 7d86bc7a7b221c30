"""`reportqa import`: restore an archive written by ``vectorstore.archive`` into the data directory, atomically.

Everything is read and checked before anything changes: the archive opens, every member is listed in the
manifest with its sha256, every row has its table's columns, chunks and figures belong to archived documents,
there is one vector per chunk, the vectors come from the embedder in use. The vectors go into a new Chroma
collection; then one SQL transaction replaces every row (the commit point); then the new collection takes the
old one's name and the uploads and feedback move into place. A bad archive raises ``BadInput`` naming the file and
the problem, and the data directory is as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.errors import BadInput
from vectorstore.archive import FORMAT, MANIFEST, TABLES, UPLOADS, VERSION, Summary, jsonl_rows
from vectorstore.figures import chunks_t, documents_t, figures_t, meta_t

if TYPE_CHECKING:
    from core.config import Settings
    from vectorstore.chroma import ChromaStore
    from vectorstore.figures import FigureStore

_BATCH = 1000


@dataclass
class _Staged:
    """An archive unpacked and checked: its manifest, rows per table, vectors, and the staged files."""

    folder: Path
    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    vectors: list[dict[str, Any]]
    matrix: Any


def _allowed(name: str) -> bool:
    if name in (MANIFEST, "vectors.jsonl", "vectors.npy", "feedback.sqlite3"):
        return True
    if name in {f"sql/{t.name}.jsonl" for t in TABLES}:
        return True
    rest = name[len(UPLOADS):]
    return name.startswith(UPLOADS) and bool(rest) and "/" not in rest and rest not in (".", "..")


def _unpack(source: Path, folder: Path, shown: str) -> dict[str, Any]:
    """Extract the archive's members into ``folder`` (checked names, regular files only); return the manifest."""
    try:
        with tarfile.open(source, "r:gz") as tar:
            for m in tar:
                if not _allowed(m.name) or not m.isfile():
                    raise BadInput(f"{shown}: unexpected member {m.name[:80]!r} (not a file a reportqa archive "
                                   "holds); refusing it")
                src = tar.extractfile(m)
                if src is None:
                    raise BadInput(f"{shown}: member {m.name!r} cannot be read")
                dest = folder / m.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                with src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
        raise BadInput(f"{shown}: not a readable reportqa archive (.tar.gz): {type(e).__name__}: "
                       f"{str(e)[:120]}; the data directory was not changed") from e
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{shown}: no {MANIFEST} in it; not an archive written by `reportqa export`") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BadInput(f"{shown}: {MANIFEST} is not valid JSON ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInput(f"{shown}: {MANIFEST} does not describe a reportqa archive")
    if manifest.get("version") != VERSION:
        raise BadInput(f"{shown}: archive format version {manifest.get('version')!r}; this reportqa reads {VERSION}")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise BadInput(f"{shown}: {MANIFEST} lists no files")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    if set(files) != present:
        missing, extra = sorted(set(files) - present), sorted(present - set(files))
        raise BadInput(f"{shown}: members do not match the manifest (missing: {', '.join(missing[:5]) or 'none'}; "
                       f"not listed: {', '.join(extra[:5]) or 'none'}); the archive is incomplete or altered")
    for name, want in files.items():
        h = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if not isinstance(want, dict) or want.get("sha256") != h:
            raise BadInput(f"{shown}: {name} does not match its sha256 in the manifest; the archive is damaged")
    return manifest


def _row(table: sa.Table, raw: Any, where: str) -> dict[str, Any]:
    names = {c.name for c in table.c}
    if not isinstance(raw, dict) or set(raw) != names:
        got = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise BadInput(f"{where}: expected the columns {sorted(names)}, got {got}")
    row = dict(raw)
    for c in table.c:
        if isinstance(c.type, sa.DateTime) and row[c.name] is not None:
            try:
                row[c.name] = datetime.fromisoformat(row[c.name])
            except (TypeError, ValueError):
                raise BadInput(f"{where}: {c.name} {row[c.name]!r} is not a date and time") from None
    return row


def _read(folder: Path, manifest: dict[str, Any], shown: str) -> _Staged:
    """Parse and cross-check the staged rows and vectors."""
    import numpy as np

    rows: dict[str, list[dict[str, Any]]] = {}
    for t in TABLES:
        member = f"sql/{t.name}.jsonl"
        if member not in manifest["files"]:
            raise BadInput(f"{shown}: {member} is missing")
        try:
            rows[t.name] = [_row(t, raw, f"{shown}: {member} line {n}") for n, raw in jsonl_rows(folder / member)]
        except (ValueError, UnicodeDecodeError) as e:
            raise BadInput(f"{shown}: {member} is not JSON lines ({e})") from e
    try:
        vectors = [v for _, v in jsonl_rows(folder / "vectors.jsonl")]
        matrix = np.load(folder / "vectors.npy", allow_pickle=False)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise BadInput(f"{shown}: the vectors cannot be read ({e})") from e
    docs = {r["id"] for r in rows[documents_t.name]}
    chunk_ids = [r["id"] for r in rows[chunks_t.name]]
    for what, table in (("chunks", chunks_t), ("figures", figures_t)):
        strays = {r["doc_id"] for r in rows[table.name]} - docs
        if strays:
            raise BadInput(f"{shown}: {what} of documents the archive does not hold ({sorted(strays)[:3]})")
    ids = [v.get("id") if isinstance(v, dict) else None for v in vectors]
    if sorted(map(str, ids)) != sorted(chunk_ids) or len(set(ids)) != len(ids):
        raise BadInput(f"{shown}: {len(vectors)} vectors for {len(chunk_ids)} chunks; every chunk needs one vector")
    if matrix.ndim != 2 or matrix.shape[0] != len(vectors) or (vectors and matrix.shape[1] != manifest.get("dim")):
        raise BadInput(f"{shown}: vectors.npy has shape {matrix.shape}, expected ({len(vectors)}, "
                       f"{manifest.get('dim')})")
    if not np.isfinite(matrix).all():
        raise BadInput(f"{shown}: vectors.npy holds values that are not finite numbers")
    for r in rows[documents_t.name]:
        if str(r["path"]).startswith(UPLOADS) and not (folder / r["path"]).is_file():
            raise BadInput(f"{shown}: document {r['name']!r} needs {r['path']}, which the archive does not hold")
    counts = manifest.get("counts", {})
    for name, n in {**{k: len(v) for k, v in rows.items()}, "vectors": len(vectors)}.items():
        if counts.get(name) != n:
            raise BadInput(f"{shown}: {n} {name} rows, the manifest says {counts.get(name)}")
    return _Staged(folder, manifest, rows, vectors, matrix)


def _stage_vectors(chroma: ChromaStore, settings: Settings, staged: _Staged, name: str) -> Any:
    """A new collection holding the archive's vectors (the live one is not touched)."""
    meta = {"model_id": chroma.embedder.model_id, "hnsw:space": "cosine"}
    from vectorstore.chroma import _embedding_function

    coll = chroma.client.create_collection(name, metadata=meta,
                                           embedding_function=_embedding_function(chroma.embedder, settings))
    for i in range(0, len(staged.vectors), _BATCH):
        part = staged.vectors[i:i + _BATCH]
        coll.upsert(ids=[v["id"] for v in part], embeddings=staged.matrix[i:i + _BATCH],
                    documents=[v["document"] for v in part], metadatas=[v["metadata"] for v in part])
    return coll


def _replace_rows(store: FigureStore, staged: _Staged, uploads: Path) -> None:
    """Every table's rows replaced by the archive's, in one transaction; the generation moves past both."""
    with store._engine.begin() as conn:
        current = int(conn.execute(sa.select(meta_t.c.generation)).scalar_one())
        for t in reversed(TABLES):
            conn.execute(t.delete())
        for t in TABLES:
            rows = staged.rows[t.name]
            if t is documents_t:
                rows = [{**r, "path": str((uploads / r["path"][len(UPLOADS):]).resolve())}
                        if str(r["path"]).startswith(UPLOADS) else r for r in rows]
            for i in range(0, len(rows), _BATCH):
                conn.execute(t.insert(), rows[i:i + _BATCH])
        gen = max(current, int(staged.manifest.get("generation") or 0)) + 1
        conn.execute(meta_t.update().where(meta_t.c.id == 1).values(generation=gen))


def import_data(store: FigureStore, chroma: ChromaStore, settings: Settings, source: Path, *,
                replace: bool = False) -> Summary:
    """Restore an archive into the stores and data directory (while no server or ingest uses them).

    Args:
        source: the .tar.gz written by ``reportqa export``.
        replace: replace the documents the stores hold now; without it a non-empty store is refused.

    Raises:
        BadInput: the archive cannot be used (the message names it and the problem); nothing was changed.
    """
    from vectorstore.bm25 import BM25Index

    source, shown = Path(source), Path(source).name
    if not source.is_file():
        raise BadInput(f"{source}: no such archive file")
    held = len(store.documents())
    if held and not replace:
        raise BadInput(f"the data directory already holds {held} documents: `reportqa import {shown} --replace` "
                       "replaces them with the archive's")
    folder = settings.data_dir / f".import-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True)
    staging: Any = None
    try:
        manifest = _unpack(source, folder, shown)
        if manifest.get("model_id") != chroma.embedder.model_id:
            raise BadInput(f"{shown}: its vectors were made by {manifest.get('model_id')} (embedder "
                           f"{manifest.get('embedder')!r}); the settings use {chroma.embedder.model_id}: import with "
                           f"REPORTQA_EMBEDDER={manifest.get('embedder')}")
        staged = _read(folder, manifest, shown)
        staging = _stage_vectors(chroma, settings, staged, f"{settings.collection}-import-{uuid.uuid4().hex[:8]}")
        uploads = settings.data_dir / "uploads"
        try:
            _replace_rows(store, staged, uploads)
        except sa.exc.SQLAlchemyError as e:
            raise BadInput(f"{shown}: the database refused its rows ({str(e).splitlines()[0][:160]}); "
                           "nothing was changed") from e
        # committed: the new vectors take the collection's name, the files move into place
        chroma.client.delete_collection(settings.collection)
        staging.modify(name=settings.collection)
        chroma.collection, staging = staging, None
        _move_files(folder, settings.data_dir, {r["path"] for r in staged.rows[documents_t.name]})
        BM25Index.build(*store.chunk_tokens()).save(settings.data_dir / "bm25", store.generation())
    finally:
        if staging is not None:
            chroma.client.delete_collection(staging.name)
        shutil.rmtree(folder, ignore_errors=True)
    return Summary(len(staged.rows[documents_t.name]), len(staged.rows[chunks_t.name]),
                   len(staged.rows[figures_t.name]), len(staged.vectors),
                   sum(1 for n in manifest["files"] if n.startswith(UPLOADS)), "feedback.sqlite3" in manifest["files"])


def _move_files(folder: Path, data_dir: Path, used: set[str]) -> None:
    """The archive's uploads into ``uploads/`` (uploads no restored document uses are removed) and its feedback
    database in place of the current one."""
    uploads = data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    for p in uploads.iterdir():
        if p.is_file() and UPLOADS + p.name not in used:
            p.unlink()
    staged = folder / "uploads"
    if staged.is_dir():
        for p in staged.iterdir():
            os.replace(p, uploads / p.name)
    if (folder / "feedback.sqlite3").is_file():
        os.replace(folder / "feedback.sqlite3", data_dir / "feedback.sqlite3")
