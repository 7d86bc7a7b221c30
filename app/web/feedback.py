"""Staff feedback on answers (👍/👎, corrections) in SQLite, exported as gold lines for the eval harness."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.routes import Route, gold_type
from app.web.schemas import RatedAnswer
from core.config import Settings
from core.errors import BadInput
from ingest.numbers import parse_quantity

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    rating INTEGER NOT NULL,          -- +1 (👍) or -1 (👎)
    answer_json TEXT NOT NULL,        -- the rated answer object ({} when unknown)
    correction TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT ''
)
"""

# a correction saying the reports do not answer the question
_NO_ANSWER = re.compile(r"^(无|没有|未找到|找不到|不存在|报告(中)?(未|没有)|unanswerable|无法回答|不可回答)")


@dataclass(frozen=True)
class FeedbackRecord:
    """One stored rating."""

    id: int
    created_at: str
    question: str
    rating: int
    answer: dict[str, Any]
    correction: str
    evidence: str


class FeedbackStore:
    """Feedback rows in one SQLite file; every call opens its own connection, so threads may share it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn, conn:
            conn.execute(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        """The store at ``data_dir/feedback.sqlite3``."""
        return cls(settings.data_dir / "feedback.sqlite3")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, question: str, rating: int | str, answer: dict[str, Any] | None = None, *,
               correction: str = "", evidence: str = "") -> int:
        """Store one rating.

        Args:
            question: the question as the assistant answered it (follow-ups already resolved).
            rating: +1 / "up" for 👍, -1 / "down" for 👎.
            answer: the rated answer object (``Answer.to_dict()``), if known.
            correction: the right answer as staff write it ("98.15%", "报告中没有").
            evidence: the report sentence that shows the correction.

        Returns:
            The new row id.
        """
        value = {"up": 1, "down": -1, 1: 1, -1: -1}.get(rating)
        if value is None:
            raise BadInput(f"rating must be 'up'/'down' or 1/-1, got {rating!r}")
        if not question.strip():
            raise BadInput("feedback needs the question that was answered; got an empty question")
        try:
            answer_json = json.dumps(answer or {}, ensure_ascii=False, default=str, allow_nan=False)
        except ValueError as e:
            raise BadInput(f"feedback answer cannot be stored ({e}); numbers must be finite") from e
        row = (datetime.now(UTC).isoformat(timespec="seconds"), question.strip(), value, answer_json,
               correction.strip(), evidence.strip())
        with self._lock, closing(self._connect()) as conn, conn:
            cur = conn.execute("INSERT INTO feedback (created_at, question, rating, answer_json, correction, "
                               "evidence) VALUES (?, ?, ?, ?, ?, ?)", row)
            return int(cur.lastrowid or 0)

    def records(self, skipped: list[str] | None = None) -> list[FeedbackRecord]:
        """Every readable rating, oldest first; a row whose stored answer is not a JSON object is left out
        (and described in ``skipped`` when given)."""
        with closing(self._connect()) as conn:
            rows = conn.execute("SELECT id, created_at, question, rating, answer_json, correction, evidence "
                                "FROM feedback ORDER BY id").fetchall()
        out = []
        for r in rows:
            try:
                answer = json.loads(r[4] or "{}")
            except ValueError as e:
                answer = f"not JSON ({e})"
            if not isinstance(answer, dict):
                if skipped is not None:
                    skipped.append(f"row {r[0]}: the stored answer is {str(answer)[:60]!r}, not an object")
                continue
            out.append(FeedbackRecord(r[0], r[1], r[2], r[3], answer, r[5] or "", r[6] or ""))
        return out

    def export(self, path: Path) -> Exported:
        """Write the gold lines (see ``export_gold``); rows that cannot make a valid line are skipped and
        reported, never written and never a crash."""
        skipped: list[str] = []
        latest: dict[str, FeedbackRecord] = {}
        for rec in self.records(skipped):
            if rec.correction or rec.rating > 0:
                latest[rec.question] = rec
        lines: list[str] = []
        for rec in sorted(latest.values(), key=lambda r: r.id):
            try:
                RatedAnswer.model_validate(rec.answer)
                lines.append(json.dumps(gold_line(rec), ensure_ascii=False, allow_nan=False) + "\n")
            except (ValidationError, ValueError, TypeError, AttributeError) as e:
                reason = str(e).splitlines()[0] if not isinstance(e, ValidationError) else "; ".join(
                    f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()[:3])
                skipped.append(f"row {rec.id}: {reason}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("".join(lines), encoding="utf-8")
        return Exported(len(lines), skipped)

    def export_gold(self, path: Path) -> int:
        """Write one gold line per question that has a usable rating; the latest rating of a question wins.

        A 👍 turns the rated answer into the expected one; a correction (with either rating) becomes the
        expected answer, its number and unit parsed from it; a 👎 without a correction is skipped,
        since it does not say what is right.

        Args:
            path: the JSONL file to write (overwritten), in the format of ``seed_qa.jsonl``.

        Returns:
            How many gold lines were written.
        """
        return self.export(path).written


@dataclass(frozen=True)
class Exported:
    """What an export wrote, and the rows it skipped with the reason for each."""

    written: int
    skipped: list[str]


def export_gold(settings: Settings, path: Path) -> Exported:
    """Export the feedback under ``settings.data_dir`` as gold lines (for ``reportqa feedback export``)."""
    return FeedbackStore.from_settings(settings).export(path)


def parse_figure(text: str) -> tuple[float | None, str | None]:
    """The number a correction states and its unit, read by the one number reader (ingest.numbers):
    "2626.63万元" -> (2626.63, "万元"), "下降3.5%" -> (-3.5, "%"); dates and list markers are no figures."""
    q = parse_quantity(text)
    return (None, None) if q is None else (float(q.value), q.unit or None)


def gold_line(rec: FeedbackRecord) -> dict[str, Any]:
    """One record as a gold line: id, question, answer, value, unit, doc, evidence, type (+ note)."""
    ans = rec.answer
    cites = ans.get("citations") or []
    docs = ",".join(dict.fromkeys(c.get("doc", "") for c in cites if c.get("doc"))) or None
    first_quote = cites[0].get("text") if cites else None
    base: dict[str, Any] = {"id": f"feedback-{rec.id:05d}", "question": rec.question}
    if rec.correction:
        if _NO_ANSWER.match(rec.correction):
            return {**base, "answer": "unanswerable", "value": None, "unit": None, "doc": None, "evidence": None,
                    "type": "unanswerable", "note": f"staff correction: {rec.correction}"}
        value, unit = parse_figure(rec.correction)
        route = ans.get("route", "")
        if route == Route.COMPARISON:
            kind, value, unit = gold_type(route), None, None
        elif value is not None:
            kind = gold_type(Route.COMPUTED) if route == Route.COMPUTED else gold_type(Route.FIGURE)
        else:
            kind = "text"
        return {**base, "answer": rec.correction, "value": value, "unit": unit, "doc": docs,
                "evidence": rec.evidence or first_quote, "type": kind,
                "note": f"staff correction of: {ans.get('answer', '')}"[:300]}
    if ans.get("refused"):
        return {**base, "answer": "unanswerable", "value": None, "unit": None, "doc": None, "evidence": None,
                "type": "unanswerable", "note": "refusal confirmed by staff"}
    kind = gold_type(ans.get("route", ""))
    shown = ans.get("answer", "")
    if ans.get("value") is not None:
        shown = f"{_plain(ans['value'])}{ans.get('unit') or ''}"
    return {**base, "answer": shown, "value": ans.get("value"), "unit": ans.get("unit"), "doc": docs,
            "evidence": rec.evidence or first_quote, "type": kind, "note": "answer confirmed by staff"}


def _plain(value: Any) -> str:
    """98.15 -> "98.15", 140.0 -> "140"."""
    d = Decimal(str(value)).normalize()
    return format(d, "f")
