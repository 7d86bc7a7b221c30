"""Conversation turns per session id in the SQL store (SQLite or PostgreSQL), so follow-ups work across
processes and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from vectorstore.figures import FigureStore

_md = sa.MetaData()
turns_t = sa.Table(
    "conversation_turns", _md,
    sa.Column("session_id", sa.String(100), primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),  # 1, 2, … within the session
    sa.Column("asked", sa.Text, nullable=False),  # what the person typed
    sa.Column("resolved", sa.Text, nullable=False),  # the standalone question that was answered
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
TRIES = 5  # attempts to append when another writer takes the same turn number


@dataclass(frozen=True)
class Turn:
    """One question of a conversation."""

    asked: str
    resolved: str


class ConversationLog:
    """The last ``keep`` turns of every session, in the same database as the reports."""

    def __init__(self, store: FigureStore, keep: int = 20) -> None:
        self.engine, self.keep = store.engine, keep
        with self.engine.begin() as conn:
            _md.create_all(conn, checkfirst=True)

    def turns(self, session_id: str, limit: int = 10) -> list[Turn]:
        """The last ``limit`` turns of a session, oldest first; [] for an unknown session."""
        q = (sa.select(turns_t.c.asked, turns_t.c.resolved).where(turns_t.c.session_id == session_id)
             .order_by(turns_t.c.n.desc()).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [Turn(r.asked, r.resolved) for r in reversed(rows)]

    def add(self, session_id: str, asked: str, resolved: str) -> None:
        """Append a turn (numbered after the session's last) and drop turns older than the last ``keep``."""
        for attempt in range(TRIES):
            try:
                with self.engine.begin() as conn:
                    last = conn.execute(sa.select(sa.func.max(turns_t.c.n))
                                        .where(turns_t.c.session_id == session_id)).scalar() or 0
                    conn.execute(turns_t.insert().values(session_id=session_id, n=last + 1, asked=asked,
                                                         resolved=resolved, at=datetime.now(UTC)))
                    conn.execute(turns_t.delete().where(turns_t.c.session_id == session_id,
                                                        turns_t.c.n <= last + 1 - self.keep))
                return
            except sa.exc.IntegrityError:  # a concurrent turn of the same session took the number
                if attempt == TRIES - 1:
                    raise

    def forget(self, session_id: str) -> int:
        """Delete a session's turns; returns how many there were."""
        with self.engine.begin() as conn:
            return int(conn.execute(turns_t.delete().where(turns_t.c.session_id == session_id)).rowcount or 0)
