"""Gold question files (JSON lines): loading and validation with file/line-precise errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core.errors import BadInput
from core.records import Example

TYPES = ("numeric", "computed", "comparison", "text", "unanswerable")
FIGURE_TYPES = ("numeric", "computed")
FIGURE_QUESTION_TYPES = ("numeric", "computed", "comparison")  # questions answered by stating figures
REQUIRED = ("id", "question", "answer", "value", "unit", "doc", "evidence", "type")


@dataclass(frozen=True)
class GoldItem:
    """One gold question with its expected answer and the evidence span that supports it.

    ``doc`` may name several files separated by commas (comparison questions); ``docs`` splits it.
    Evidence without a ``doc`` may be found in any document.
    """

    id: str
    question: str
    answer: str
    value: Decimal | None
    unit: str | None
    doc: str | None
    evidence: str | None
    type: str
    note: str | None = None

    @property
    def docs(self) -> list[str]:
        """The gold document names (empty for unanswerable questions)."""
        if not self.doc:
            return []
        return [d.strip() for d in self.doc.split(",") if d.strip()]

    @property
    def is_figure(self) -> bool:
        """True for numeric and computed questions, whose answer is one figure."""
        return self.type in FIGURE_TYPES


def _fail(path: Path, lineno: int, problem: str) -> BadInput:
    return BadInput(f"{path}:{lineno}: {problem}")


def _opt_str(raw: dict[str, Any], key: str, path: Path, lineno: int) -> str | None:
    val = raw.get(key)
    if val is None:
        return None
    if not isinstance(val, str):
        raise _fail(path, lineno, f"field {key!r} must be a string or null, got {type(val).__name__} {val!r}")
    return val.strip() or None


def _value(raw: dict[str, Any], path: Path, lineno: int) -> Decimal | None:
    val = raw.get("value")
    if val is None:
        return None
    if isinstance(val, bool) or not isinstance(val, int | float | str):
        raise _fail(path, lineno, f"field 'value' must be a number or null, got {type(val).__name__} {val!r}")
    try:
        dec = Decimal(str(val).strip().replace(",", ""))
    except InvalidOperation:
        raise _fail(path, lineno, f"field 'value' must be a number or null, got {val!r}") from None
    if not dec.is_finite():
        raise _fail(path, lineno, f"field 'value' must be a finite number, got {val!r}")
    return dec


def parse_gold_line(line: str, path: Path, lineno: int) -> GoldItem:
    """Parse and validate one JSON line of a gold file.

    Args:
        line: the raw line (not blank).
        path: the file, for error messages.
        lineno: 1-based line number, for error messages.

    Returns:
        The validated item.

    Raises:
        BadInput: naming the file, the line and the problem.
    """
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _fail(path, lineno, f"not valid JSON ({exc.msg} at column {exc.colno}); "
                    "each line must be one JSON object") from None
    if not isinstance(raw, dict):
        raise _fail(path, lineno, f"expected a JSON object, got {type(raw).__name__}")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise _fail(path, lineno, f"missing field(s) {', '.join(missing)}; required: {', '.join(REQUIRED)} "
                    "(use null for none)")
    item_id = raw["id"]
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or not str(item_id).strip():
        raise _fail(path, lineno, f"field 'id' must be a non-empty string, got {item_id!r}")
    qtype = raw["type"]
    if qtype not in TYPES:
        raise _fail(path, lineno, f"unknown type {qtype!r}; expected one of {', '.join(TYPES)}")
    question = _opt_str(raw, "question", path, lineno)
    if not question:
        raise _fail(path, lineno, "field 'question' is empty")
    answer = _opt_str(raw, "answer", path, lineno)
    if not answer:
        raise _fail(path, lineno, "field 'answer' is empty (write 'unanswerable' for unanswerable questions)")
    value = _value(raw, path, lineno)
    unit = _opt_str(raw, "unit", path, lineno)
    doc = _opt_str(raw, "doc", path, lineno)
    evidence = _opt_str(raw, "evidence", path, lineno)
    note = _opt_str(raw, "note", path, lineno)
    if qtype in FIGURE_TYPES and value is None:
        raise _fail(path, lineno, f"type {qtype!r} needs a 'value' (the expected figure), got null")
    if qtype == "unanswerable" and (value is not None or evidence is not None):
        raise _fail(path, lineno, "type 'unanswerable' must have null 'value' and 'evidence'")
    return GoldItem(id=str(item_id).strip(), question=question, answer=answer, value=value, unit=unit,
                    doc=doc, evidence=evidence, type=qtype, note=note)


def load_gold(path: Path | str) -> list[GoldItem]:
    """Load and validate a gold file: one JSON object per line, blank lines ignored.

    Args:
        path: the ``.jsonl`` file.

    Returns:
        The items in file order.

    Raises:
        BadInput: the file is missing or empty, or a line is invalid (bad JSON, missing field,
            unknown type, figure question without value, duplicate id …); the message names the
            file and the line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"gold file {path} does not exist; pass a .jsonl file of gold questions") from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"gold file {path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        item = parse_gold_line(line, path, lineno)
        if item.id in seen:
            raise _fail(path, lineno, f"duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = lineno
        items.append(item)
    if not items:
        raise BadInput(f"gold file {path} has no questions; expected one JSON object per line")
    return items


def to_example(item: GoldItem) -> Example:
    """The gold item as a training example for the answer scorer (no id, note or scoring parts)."""
    return Example(question=item.question, type=item.type, answer=item.answer, value=item.value,
                   unit=item.unit or "", docs=tuple(item.docs), evidence=item.evidence or "")
