"""Conversation turns per session id in the SQL store (SQLite or PostgreSQL), so follow-ups work across
processes and restarts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from vectorstore.figures import FigureStore

_md = sa.MetaData()
turns_t = sa.Table(
    "conversation_turns", _md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),  # order of the turns
    sa.Column("session_id", sa.String(100), nullable=False, index=True),
    sa.Column("asked", sa.Text, nullable=False),  # what the person typed
    sa.Column("resolved", sa.Text, nullable=False),  # the standalone question that was answered
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
)


@dataclass(frozen=True)
class Turn:
    """One question of a conversation."""

    asked: str
    resolved: str


class ConversationLog:
    """The last ``keep`` turns of every session (for ``max_age``), in the same database as the reports."""

    def __init__(self, store: FigureStore, keep: int = 20, max_age: timedelta = timedelta(days=30)) -> None:
        self.engine, self.keep, self.max_age = store.engine, keep, max_age
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    _md.create_all(conn, checkfirst=True)
                return
            except sa.exc.DBAPIError:  # another worker created it meanwhile ("already exists", a duplicate type)
                if attempt == 2:
                    raise
                time.sleep(0.1)

    def turns(self, session_id: str, limit: int = 10) -> list[Turn]:
        """The last ``limit`` turns of a session, oldest first; [] for an unknown session."""
        q = (sa.select(turns_t.c.asked, turns_t.c.resolved).where(turns_t.c.session_id == session_id)
             .order_by(turns_t.c.id.desc()).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [Turn(r.asked, r.resolved) for r in reversed(rows)]

    def add(self, session_id: str, asked: str, resolved: str) -> None:
        """Append a turn; drop the session's turns older than its last ``keep`` and every turn older than
        ``max_age`` (conversations nobody continued)."""
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(turns_t.insert().values(session_id=session_id, asked=asked, resolved=resolved, at=now))
            conn.execute(turns_t.delete().where(turns_t.c.at < now - self.max_age))
            old = (sa.select(turns_t.c.id).where(turns_t.c.session_id == session_id)
                   .order_by(turns_t.c.id.desc()).offset(self.keep))
            stale = [r.id for r in conn.execute(old).all()]
            if stale:
                conn.execute(turns_t.delete().where(turns_t.c.id.in_(stale)))

    def forget(self, session_id: str) -> int:
        """Delete a session's turns; returns how many there were."""
        with self.engine.begin() as conn:
            return int(conn.execute(turns_t.delete().where(turns_t.c.session_id == session_id)).rowcount or 0)
