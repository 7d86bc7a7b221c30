"""SIGKILL during ingest, at random moments: afterwards `reportqa doctor --fix` leaves the stores consistent and
nothing committed is lost. CI kills a few times; REPORTQA_KILL_POINTS=50 kills more (a bench run)."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

REPORTQA = str(Path(sys.executable).parent / "reportqa")
KILLS = int(os.environ.get("REPORTQA_KILL_POINTS", "3"))
FILES = max(12, 3 * KILLS + 3)


def _run(data: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPORTQA_EMBEDDER": "hash"}
    return subprocess.run([REPORTQA, "--data-dir", str(data), *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


def _committed(data: Path) -> set[str]:
    """The document names the SQL store holds (what an ingest committed)."""
    import sqlite3

    db = data / "reportqa.sqlite3"
    if not db.exists():
        return set()
    with sqlite3.connect(db) as conn:
        try:
            return {r[0] for r in conn.execute("SELECT name FROM documents")}
        except sqlite3.OperationalError:  # killed before the tables were made, or the writer holds a lock
            return set()


def _wait_for(data: Path, proc: subprocess.Popen[bytes], n: int, limit: float = 240) -> None:
    """Wait until the SQL store holds ``n`` documents (or the ingest ends): kill points follow the ingest's
    progress, not the clock, so a fast or slow machine tests the same thing."""
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < limit and len(_committed(data)) < n:
        time.sleep(0.05)


@pytest.mark.slow
def test_sigkill_during_ingest_loses_nothing_committed(tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(FILES):
        (folder / f"r{i:02d}.txt").write_text(texts[i % 2] + f"\n\n附：第{i}份。\n", encoding="utf-8")
    data = tmp_path / "data"
    rng = random.Random(int(os.environ.get("REPORTQA_KILL_SEED", "13")))
    committed: set[str] = set()
    repairs: list[str] = []
    env = {**os.environ, "REPORTQA_EMBEDDER": "hash"}
    for _ in range(KILLS):
        proc = subprocess.Popen([REPORTQA, "--data-dir", str(data), "ingest", str(folder)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(data, proc, len(committed) + rng.randint(1, 2))
        time.sleep(rng.uniform(0.0, 0.4))  # somewhere inside the next document, or between two
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        now = _committed(data)
        assert now >= committed, f"committed documents lost: {committed - now}"
        assert len(now) < FILES, "the ingest ended before the kill: nothing was tested"
        committed = now
        fixed = _run(data, "doctor", "--fix")
        assert fixed.returncode == 0 and fixed.stdout.rstrip().endswith("consistent"), fixed.stdout + fixed.stderr
        repairs += [line for line in fixed.stdout.splitlines() if line.startswith("fixed:")]
        assert _committed(data) == committed
    done = _run(data, "ingest", str(folder))
    assert done.returncode == 0, done.stderr
    final = _run(data, "doctor")
    assert final.returncode == 0, final.stdout
    m = re.search(r"(\d+) documents, (\d+) chunks in SQL, (\d+) vectors", final.stdout)
    assert m and int(m.group(1)) == FILES and m.group(2) == m.group(3), final.stdout
    print(f"{KILLS} kills; repairs: {repairs}")  # noqa: T201 - shown with -s in a bench run
