"""While an ingest works in the process that answers questions, the questions come first.

Two things slow a question down while a writer works beside it, and neither is a lock. The cores: ingest's
embedding batches fill them (torch), so a question's own query embedding and scoring get a share of them only.
And the interpreter lock, which Python hands from thread to thread every 5 ms: a question that lets go of it
(for SQL, Chroma, torch) waits up to 5 ms behind ingest's Python work to get it back, many times per answer.

So, while questions come in, ingest embeds a few passages at a time and, before each few, waits (at most
``WAIT`` seconds) until no question is being answered; and while a writer works, the interpreter lock changes
hands every 0.5 ms. An ingest with nobody asking embeds in large batches and is not slowed.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

SWITCH = 0.0005  # seconds between hand-overs of the interpreter lock while a writer works (Python's default: 0.005)
RECENT = 10.0  # a question in the last this many seconds: questions are coming in
WAIT = 1.0  # the longest an ingest batch waits for questions being answered
SMALL, LARGE = 2, 256  # passages embedded at a time while questions come in, and otherwise


class ReadersFirst:
    """Readers say when they answer (``reading``); the writer calls ``begin``/``end`` and, before embedding,
    ``pace``."""

    def __init__(self) -> None:
        self.asked = 0.0  # time.monotonic() of the last question
        self._active = 0  # questions being answered now
        self._switch: float | None = None
        self._cond = threading.Condition()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Around the answering of one question."""
        with self._cond:
            self._active += 1
            self.asked = time.monotonic()
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def pace(self) -> int:
        """Before an ingest embeds: wait while questions are being answered; how many passages to embed next."""
        if time.monotonic() - self.asked >= RECENT:
            return LARGE
        with self._cond:
            self._cond.wait_for(lambda: self._active == 0, timeout=WAIT)
        return SMALL

    def begin(self) -> None:
        """A writer starts: the interpreter lock changes hands more often."""
        with self._cond:
            if self._switch is None:
                self._switch = sys.getswitchinterval()
                sys.setswitchinterval(min(self._switch, SWITCH))

    def end(self) -> None:
        """The last writer is done: the interpreter's hand-over interval as it was."""
        with self._cond:
            if self._switch is not None:
                sys.setswitchinterval(self._switch)
                self._switch = None
