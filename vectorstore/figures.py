"""SQL store (SQLite or PostgreSQL, via SQLAlchemy Core) for documents, chunks, figures and BM25 tokens."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.errors import BadInput, NotFound, ReportQAError
from core.records import Chunk, Document, Figure, text_key

log = logging.getLogger(__name__)

_md = sa.MetaData()
documents_t = sa.Table(
    "documents", _md,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("org", sa.Text), sa.Column("year", sa.Integer), sa.Column("report_type", sa.Text),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("path", sa.Text, nullable=False, default=""),
    sa.Column("n_chunks", sa.Integer, nullable=False, default=0),
    sa.Column("n_figures", sa.Integer, nullable=False, default=0),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=False, default=""),  # the cleaned text the spans index into
    # core.records.text_key of the text: finds the same report stored under another name or encoding
    sa.Column("text_key", sa.String(64), nullable=False, default="", server_default=""),
    # where each page of the source file starts in ``text``, comma-separated (Document.pages): citation pages
    sa.Column("pages", sa.Text, nullable=False, default="", server_default=""),
)
_DOC_COLS = [c for c in documents_t.c if c.name not in ("text", "text_key", "pages")]
chunks_t = sa.Table(
    "chunks", _md,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id"), nullable=False, index=True),
    sa.Column("doc_name", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False), sa.Column("end", sa.Integer, nullable=False),
    sa.Column("section", sa.Text, nullable=False, default=""),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("tokens", sa.Text, nullable=False, default=""),  # space-joined tokenize() output
    sa.Column("page", sa.Integer, nullable=False, default=0, server_default="0"),  # 1-based; 0 unknown
)
figures_t = sa.Table(
    "figures", _md,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("doc_name", sa.Text, nullable=False),
    sa.Column("metric", sa.Text, nullable=False), sa.Column("canonical", sa.Text, nullable=False),
    sa.Column("context", sa.Text, nullable=False),
    # Decimals are stored as their exact decimal strings: Decimal("0.10") comes back as Decimal("0.10").
    sa.Column("value", sa.String(64), nullable=False), sa.Column("unit", sa.Text, nullable=False),
    sa.Column("base_value", sa.String(64), nullable=False), sa.Column("base_unit", sa.Text, nullable=False),
    sa.Column("quantity_kind", sa.String(32), nullable=False), sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("qualifier", sa.Text, nullable=False),
    sa.Column("org", sa.Text), sa.Column("year", sa.Integer), sa.Column("report_type", sa.Text),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False), sa.Column("end", sa.Integer, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False), sa.Column("chunk_id", sa.String(64), nullable=False),
    sa.Column("extra", sa.Text, nullable=False, default="{}"),  # JSON object of strings
    sa.Column("page", sa.Integer, nullable=False, default=0, server_default="0"),  # 1-based; 0 unknown
    sa.Index("ix_figures_org_year", "org", "year"),
    sa.Index("ix_figures_canonical", "canonical"),
    sa.Index("ix_figures_doc_id", "doc_id"),
    sa.Index("ix_figures_chunk_id", "chunk_id"),
)
meta_t = sa.Table(
    "meta", _md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("generation", sa.Integer, nullable=False),
)
doc_meta_t = sa.Table(  # how sure each detected field of a document is (0–1); goes with the document
    "document_meta", _md,
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id"), primary_key=True),
    sa.Column("org_confidence", sa.Float), sa.Column("year_confidence", sa.Float),
    sa.Column("type_confidence", sa.Float),
)
corrections_t = sa.Table(  # what people said a document's organisation / fiscal year / type is (`docs set`), by
    "document_corrections", _md,  # file name: it outlives the document's rows and ingest applies it every time
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("org", sa.Text), sa.Column("year", sa.Integer), sa.Column("report_type", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
_FIXED = (("org", corrections_t.c.org), ("year", corrections_t.c.year), ("report_type", corrections_t.c.report_type))

_BATCH = 500  # ids per IN (...) clause


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document without its text: what listings, citations and deletes need."""

    id: str
    name: str
    sha256: str
    org: str | None
    year: int | None
    report_type: str | None
    title: str
    path: str
    n_chunks: int
    n_figures: int
    ingested_at: datetime  # timezone-aware, UTC
    org_confidence: float | None = None  # 0–1 as in Document; 1.0 for a value given at ingest or corrected
    year_confidence: float | None = None
    type_confidence: float | None = None
    corrected: tuple[str, ...] = ()  # fields a stored correction sets: "org", "year", "report_type"


@dataclass(frozen=True)
class Correction:
    """What someone said a document's organisation, fiscal year or report type is; None: left as detected."""

    name: str  # the document's file name
    org: str | None = None
    year: int | None = None
    report_type: str | None = None


def _doc_select() -> Any:
    """Documents without their text, with their confidences and which fields a correction sets."""
    joined = documents_t.outerjoin(doc_meta_t, doc_meta_t.c.doc_id == documents_t.c.id).outerjoin(
        corrections_t, corrections_t.c.name == documents_t.c.name)
    return sa.select(*_DOC_COLS, doc_meta_t.c.org_confidence, doc_meta_t.c.year_confidence,
                     doc_meta_t.c.type_confidence, *(c.label(f"fixed_{f}") for f, c in _FIXED)).select_from(joined)


def _decimal(d: Decimal, what: str) -> str:
    if not isinstance(d, Decimal) or not d.is_finite():
        raise BadInput(f"{what} must be a finite Decimal, got {d!r}: build figures with Decimal(\"2626.63\")")
    return str(d)


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _info(r: Any) -> DocumentInfo:
    m = r._mapping
    return DocumentInfo(r.id, r.name, r.sha256, r.org, r.year, r.report_type, r.title, r.path,
                        r.n_chunks, r.n_figures, _utc(r.ingested_at), m.get("org_confidence"),
                        m.get("year_confidence"), m.get("type_confidence"),
                        tuple(f for f, _ in _FIXED if m.get(f"fixed_{f}") is not None))


def _chunk(r: Any) -> Chunk:
    return Chunk(doc_id=r.doc_id, doc_name=r.doc_name, text=r.text, start=r.start, end=r.end,
                 section=r.section, index=r.idx, kind=r.kind, page=r.page)


_FIGURE_FIELDS = [f.name for f in fields(Figure)]


def _figure_row(f: Figure) -> dict[str, Any]:
    row = {name: getattr(f, name) for name in _FIGURE_FIELDS}
    row.update(id=f.id, value=_decimal(f.value, f"{f.metric} value"),
               base_value=_decimal(f.base_value, f"{f.metric} base_value"),
               extra=json.dumps(f.extra, ensure_ascii=False, sort_keys=True))
    return row


def _figure(r: Any) -> Figure:
    row = {name: r._mapping[name] for name in _FIGURE_FIELDS}
    try:
        row.update(value=Decimal(r.value), base_value=Decimal(r.base_value), extra=json.loads(r.extra or "{}"))
    except (InvalidOperation, ValueError) as exc:
        raise BadInput(f"figure {r.id} holds a non-decimal value or bad extra: {exc}") from exc
    return Figure(**row)


def _unique_by_id(items: Sequence[Any], what: str, doc: str) -> list[int]:
    """Positions of the first item with each id; repeated ids (identical records) are dropped."""
    seen: set[str] = set()
    keep = []
    for i, item in enumerate(items):
        if item.id not in seen:
            seen.add(item.id)
            keep.append(i)
    if len(keep) < len(items):
        log.warning("%s: dropped %d repeated %s (same id)", doc, len(items) - len(keep), what)
    return keep


def _batches(ids: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _BATCH):
        yield list(ids[i:i + _BATCH])


class FigureStore:
    """Documents, chunks (with BM25 tokens) and figures in one SQL database."""

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        """Open (and create if missing) the store.

        Args:
            url: SQLAlchemy URL, ``sqlite:////abs/file.sqlite3`` or ``postgresql+psycopg://user@host/db``.
            schema: PostgreSQL schema to use (created if missing), e.g. to isolate tests.
        """
        try:
            engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise BadInput(f"cannot use SQL url {url!r} ({exc}); expected sqlite:///path or "
                           "postgresql+psycopg://user@host:port/db") from exc
        if engine.dialect.name == "sqlite":
            if schema:
                raise BadInput(f"schema {schema!r} is only supported on PostgreSQL, not on {url!r}")
            if engine.url.database and engine.url.database != ":memory:":
                Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        elif schema:
            with engine.begin() as conn:
                conn.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
            engine = engine.execution_options(schema_translate_map={None: schema})
        self._engine: Engine = engine
        with self._engine.begin() as conn:
            _md.create_all(conn, checkfirst=True)
            _add_columns(conn, schema)
            inspector = sa.inspect(conn)
            missing = [f"{t.name}.{c.name}" for t in _md.sorted_tables
                       for c in t.c if c.name not in {col["name"] for col in inspector.get_columns(t.name, schema)}]
            if missing:
                raise ReportQAError(f"the SQL store {engine.url!r} was made by an older reportqa (no "
                                    f"{', '.join(missing)}); delete it and the data dir's chroma and bm25 "
                                    "folders, then ingest again")
            _fill_text_keys(conn)
            if conn.execute(sa.select(meta_t.c.generation)).first() is None:
                conn.execute(meta_t.insert().values(id=1, generation=0))

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (schema mapping included), for side tables kept in the same database."""
        return self._engine

    def generation(self) -> int:
        """A counter bumped by every change; caches (the BM25 index) compare it to know they are stale."""
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(meta_t.c.generation).where(meta_t.c.id == 1)).scalar_one())

    def get_document(self, name: str) -> DocumentInfo | None:
        """The document stored under this file name, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(_doc_select().where(documents_t.c.name == name)).first()
        return _info(row) if row else None

    def document_text(self, id_or_name: str) -> str:
        """The cleaned text of a stored document (by id or file name); chunk and figure spans index into it.

        Raises:
            NotFound: no document has this id or name.
        """
        with self._engine.connect() as conn:
            text = conn.execute(sa.select(documents_t.c.text).where(
                sa.or_(documents_t.c.id == id_or_name, documents_t.c.name == id_or_name))).scalar()
        if text is None:
            raise NotFound(f"no document with id or name {id_or_name!r}; list them with `reportqa docs`")
        return str(text)

    def page_starts(self, names: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """Where each page starts in the stored text of the documents with these names (Document.pages); a
        document stored before pages were kept, or one without pages (plain text), maps to ()."""
        wanted = sorted(set(names))
        out: dict[str, tuple[int, ...]] = {}
        with self._engine.connect() as conn:
            for i in range(0, len(wanted), _BATCH):
                q = sa.select(documents_t.c.name, documents_t.c.pages).where(
                    documents_t.c.name.in_(wanted[i:i + _BATCH]))
                for r in conn.execute(q):
                    out[r.name] = tuple(int(x) for x in r.pages.split(",") if x.strip().isdigit())
        return out

    def same_text(self, key: str, name: str) -> DocumentInfo | None:
        """Another document (not named ``name``) whose text has this ``text_key``, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(_doc_select().where(documents_t.c.text_key == key, documents_t.c.name != name)
                               .order_by(documents_t.c.name)).first()
        return _info(row) if row else None

    def documents(self) -> list[DocumentInfo]:
        """All stored documents, by name."""
        with self._engine.connect() as conn:
            rows = conn.execute(_doc_select()).all()
        # Sorted in Python, not SQL: PostgreSQL collations order Chinese text unlike SQLite.
        return sorted((_info(r) for r in rows), key=lambda d: d.name)

    def replace_document(self, doc: Document, chunks: list[Chunk], figures: list[Figure],
                         tokens: list[list[str]]) -> DocumentInfo | None:
        """Store a document with its chunks and figures, replacing the one with the same name.

        All in one transaction: on any error nothing changes and the old document stays.

        Args:
            doc: the cleaned document.
            chunks: its chunks.
            figures: its figures.
            tokens: tokenize() output per chunk, aligned with ``chunks``.

        Returns:
            The replaced document, or None when the name was new.
        """
        strays = ({c.doc_id for c in chunks} | {f.doc_id for f in figures}) - {doc.id}
        if strays:
            raise BadInput(f"{doc.name}: chunks and figures must carry doc_id {doc.id!r} of their document, "
                           f"got {sorted(strays)}; build them from this Document")
        if len(tokens) != len(chunks):
            raise BadInput(f"{doc.name}: need one token list per chunk, got {len(chunks)} chunks and "
                           f"{len(tokens)} token lists")
        keep = _unique_by_id(chunks, "chunks", doc.name)
        chunk_rows = [{
            "id": c.id, "doc_id": c.doc_id, "doc_name": c.doc_name, "text": c.text, "start": c.start,
            "end": c.end, "section": c.section, "idx": c.index, "kind": c.kind, "page": c.page,
            "tokens": " ".join(tokens[i]),
        } for i, c in ((i, chunks[i]) for i in keep)]
        figure_rows = [_figure_row(figures[i]) for i in _unique_by_id(figures, "figures", doc.name)]
        try:
            with self._engine.begin() as conn:
                old = conn.execute(_doc_select().where(documents_t.c.name == doc.name)).first()
                if old is not None:
                    self._delete(conn, old.id)
                conn.execute(documents_t.insert().values(
                    id=doc.id, name=doc.name, sha256=doc.sha256, org=doc.org, year=doc.year,
                    report_type=doc.report_type, title=doc.title, path=doc.path, n_chunks=len(chunk_rows),
                    n_figures=len(figure_rows), ingested_at=datetime.now(UTC), text=doc.text,
                    text_key=doc.text_key, pages=",".join(map(str, doc.pages))))
                conn.execute(doc_meta_t.insert().values(doc_id=doc.id, org_confidence=doc.org_confidence,
                                                        year_confidence=doc.year_confidence,
                                                        type_confidence=doc.type_confidence))
                if chunk_rows:
                    conn.execute(chunks_t.insert(), chunk_rows)
                if figure_rows:
                    conn.execute(figures_t.insert(), figure_rows)
                self._bump(conn)
        except (sa.exc.IntegrityError, sa.exc.DataError) as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            raise BadInput(f"{doc.name}: the database refused the document ({reason}); nothing was "
                           "changed, the stored version (if any) is intact. Fix the chunks/figures and ingest again.") from exc
        return _info(old) if old is not None else None

    def delete_document(self, id_or_name: str) -> DocumentInfo:
        """Delete a document (by id or file name) with its chunks and figures.

        Raises:
            NotFound: no document has this id or name.
        """
        with self._engine.begin() as conn:
            row = self._find(conn, id_or_name)
            self._delete(conn, row.id)
            self._bump(conn)
        return _info(row)

    def correction(self, name: str) -> Correction | None:
        """The stored correction for the document with this file name, or None."""
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(corrections_t).where(corrections_t.c.name == name)).first()
        return Correction(r.name, r.org, r.year, r.report_type) if r else None

    def set_correction(self, id_or_name: str, *, org: str | None = None, year: int | None = None,
                       report_type: str | None = None) -> DocumentInfo:
        """Correct a stored document's organisation, fiscal year or report type, now and at every later ingest.

        The correction is kept under the document's file name, merged with an earlier one (a field not given
        keeps its corrected value), and applied at once to the document and its figures (confidence 1.0).
        Ingest applies it again whenever the file is ingested, changed or not. Vectors keep the values they
        were embedded with until the next ingest; retrieval filters by the documents' values, not theirs.

        Raises:
            NotFound: no document has this id or name.
            BadInput: nothing to correct, an empty organisation, or an implausible year.
        """
        if org is None and year is None and report_type is None:
            raise BadInput("nothing to correct: give --org, --year or --type")
        if (org is not None and not org.strip()) or (report_type is not None and not report_type.strip()):
            raise BadInput("an organisation or report type cannot be empty")
        if year is not None and not 1900 <= year <= 2100:
            raise BadInput(f"year {year} is not a fiscal year (1900–2100)")
        given = {"org": org and org.strip(), "year": year, "report_type": report_type and report_type.strip()}
        with self._engine.begin() as conn:
            row = self._find(conn, id_or_name)
            old = conn.execute(sa.select(corrections_t).where(corrections_t.c.name == row.name)).first()
            fix = {f: given[f] if given[f] is not None else (getattr(old, f) if old else None) for f, _ in _FIXED}
            now = datetime.now(UTC)
            if old is None:
                conn.execute(corrections_t.insert().values(name=row.name, updated_at=now, **fix))
            else:
                conn.execute(corrections_t.update().where(corrections_t.c.name == row.name).values(updated_at=now, **fix))
            values = {f: v for f, v in fix.items() if v is not None}
            conn.execute(documents_t.update().where(documents_t.c.id == row.id).values(**values))
            conn.execute(figures_t.update().where(figures_t.c.doc_id == row.id).values(**values))
            sure = {("type" if f == "report_type" else f) + "_confidence": 1.0 for f in values}
            if conn.execute(doc_meta_t.update().where(doc_meta_t.c.doc_id == row.id).values(**sure)).rowcount == 0:
                conn.execute(doc_meta_t.insert().values(doc_id=row.id, **sure))
            self._bump(conn)
            return _info(conn.execute(_doc_select().where(documents_t.c.id == row.id)).one())

    def clear_correction(self, name: str) -> bool:
        """Forget the correction stored for this file name (the stored document keeps its values until it is
        ingested again); False when there was none."""
        with self._engine.begin() as conn:
            return conn.execute(corrections_t.delete().where(corrections_t.c.name == name)).rowcount > 0

    @staticmethod
    def _find(conn: Connection, id_or_name: str) -> Any:
        row = conn.execute(_doc_select().where(
            sa.or_(documents_t.c.id == id_or_name, documents_t.c.name == id_or_name))).first()
        if row is None:
            names = list(conn.execute(sa.select(documents_t.c.name).order_by(documents_t.c.name)).scalars())
            known = ", ".join(names[:10]) + (f" … ({len(names)} in all)" if len(names) > 10 else "")
            raise NotFound(f"no document with id or name {id_or_name!r}; stored documents: "
                           f"{known or 'none'}. Use a name or id from `reportqa docs`.")
        return row

    def chunks(self, doc_ids: list[str] | None = None) -> list[Chunk]:
        """Chunks of the given documents (all when None), by document name and position."""
        q = sa.select(chunks_t)
        with self._engine.connect() as conn:
            if doc_ids is None:
                out = [_chunk(r) for r in conn.execute(q)]
            else:
                out = []
                for batch in _batches(doc_ids):
                    out += [_chunk(r) for r in conn.execute(q.where(chunks_t.c.doc_id.in_(batch)))]
        return sorted(out, key=lambda c: (c.doc_name, c.index, c.start, c.end))

    def chunk_ids(self) -> dict[str, str]:
        """Every chunk id with the id of its document."""
        with self._engine.connect() as conn:
            return {r.id: r.doc_id for r in conn.execute(sa.select(chunks_t.c.id, chunks_t.c.doc_id))}

    def chunk_tokens(self) -> tuple[list[str], list[list[str]]]:
        """(chunk ids, tokens per chunk) of every chunk, in a stable order, for BM25Index.build()."""
        with self._engine.connect() as conn:
            rows = sorted(conn.execute(sa.select(chunks_t.c.id, chunks_t.c.tokens)).all(), key=lambda r: r.id)
        return [r.id for r in rows], [r.tokens.split() for r in rows]

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        """Chunks by id; ids that are not stored are left out."""
        out: dict[str, Chunk] = {}
        with self._engine.connect() as conn:
            for batch in _batches(list(dict.fromkeys(ids))):
                for r in conn.execute(sa.select(chunks_t).where(chunks_t.c.id.in_(batch))):
                    out[r.id] = _chunk(r)
        return out

    def figures(self, *, org: str | None = None, year: int | None = None, metric: str | None = None,
                doc_id: str | None = None) -> list[Figure]:
        """Figures matching every given filter.

        Args:
            org: exact organisation name.
            year: report year.
            metric: substring of the metric as written or of its canonical name.
            doc_id: one document.

        Returns:
            Figures by document name and position.
        """
        q = sa.select(figures_t)
        if org is not None:
            q = q.where(figures_t.c.org == org)
        if year is not None:
            q = q.where(figures_t.c.year == year)
        if metric:
            q = q.where(sa.or_(figures_t.c.metric.contains(metric, autoescape=True),
                               figures_t.c.canonical.contains(metric, autoescape=True)))
        if doc_id is not None:
            q = q.where(figures_t.c.doc_id == doc_id)
        with self._engine.connect() as conn:
            out = [_figure(r) for r in conn.execute(q)]
        return sorted(out, key=lambda f: (f.doc_name, f.start, f.end, f.id))

    def figures_in_chunks(self, chunk_ids: list[str]) -> list[Figure]:
        """Figures whose evidence lies in the given chunks (an indexed look-up, for answer candidates)."""
        out: list[Figure] = []
        with self._engine.connect() as conn:
            for batch in _batches(list(dict.fromkeys(chunk_ids))):
                out += [_figure(r) for r in conn.execute(sa.select(figures_t).where(figures_t.c.chunk_id.in_(batch)))]
        return sorted(out, key=lambda f: (f.doc_name, f.start, f.end, f.id))

    def coverage(self) -> list[tuple[str, str, int]]:
        """(document name, canonical metric, number of figures), sorted, for a coverage summary."""
        n = sa.func.count().label("n")
        q = sa.select(figures_t.c.doc_name, figures_t.c.canonical, n).group_by(
            figures_t.c.doc_name, figures_t.c.canonical)
        with self._engine.connect() as conn:
            return sorted((r.doc_name, r.canonical, int(r.n)) for r in conn.execute(q))

    @staticmethod
    def _delete(conn: Connection, doc_id: str) -> None:
        conn.execute(figures_t.delete().where(figures_t.c.doc_id == doc_id))
        conn.execute(chunks_t.delete().where(chunks_t.c.doc_id == doc_id))
        conn.execute(doc_meta_t.delete().where(doc_meta_t.c.doc_id == doc_id))
        conn.execute(documents_t.delete().where(documents_t.c.id == doc_id))

    @staticmethod
    def _bump(conn: Connection) -> None:
        conn.execute(meta_t.update().where(meta_t.c.id == 1).values(generation=meta_t.c.generation + 1))


# columns added since stores were first made, with their SQL type and default
_ADDED = (("chunks", "page", "INTEGER NOT NULL DEFAULT 0"), ("figures", "page", "INTEGER NOT NULL DEFAULT 0"),
          ("documents", "text_key", "VARCHAR(64) NOT NULL DEFAULT ''"),
          ("documents", "pages", "TEXT NOT NULL DEFAULT ''"))


def _add_columns(conn: Connection, schema: str | None) -> None:
    """A store made before a column in ``_ADDED`` existed gets it instead of being refused."""
    inspector = sa.inspect(conn)
    for table, col, kind in _ADDED:
        if col not in {c["name"] for c in inspector.get_columns(table, schema)}:
            name = f'"{schema}"."{table}"' if schema else f'"{table}"'
            conn.execute(sa.text(f'ALTER TABLE {name} ADD COLUMN "{col}" {kind}'))


def _fill_text_keys(conn: Connection) -> None:
    """Documents stored before text keys existed get theirs (see ``core.records.text_key``)."""
    for r in conn.execute(sa.select(documents_t.c.id, documents_t.c.text).where(documents_t.c.text_key == "")).all():
        conn.execute(documents_t.update().where(documents_t.c.id == r.id).values(text_key=text_key(r.text)))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the API) keep working while an ingest writes
    cur.close()
