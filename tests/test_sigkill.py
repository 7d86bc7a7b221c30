"""SIGKILL during ingest at 50 points spread over the ingest's progress (REPORTQA_KILL_POINTS for more): after each
kill `reportqa doctor --fix` leaves the stores consistent and no committed document is lost.

The kills land anywhere in a document's work (the ingest of small generated reports with the hash embedder is
timed once, and each kill waits a random part of one document's time after a commit), so some hit between two
documents and some inside one (vectors written, SQL not committed yet). Each `reportqa` process is forked from
``tests/zygote.py``, which imported reportqa once: a real separate process per command, without paying the
interpreter's start-up 100 times."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

KILLS = int(os.environ.get("REPORTQA_KILL_POINTS", "50"))
FILES = 2 * KILLS + 12


class Zygote:
    """The forking helper process; ``start`` runs `reportqa ARGS` in a new child, ``wait`` reaps it."""

    def __init__(self, logs: Path) -> None:
        env = {**os.environ, "REPORTQA_EMBEDDER": "hash"}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.zygote"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, text=True,
                                     cwd=Path(__file__).resolve().parents[1])
        self.logs, self.n = logs, 0
        assert json.loads(self._read())["ready"]

    def _read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the zygote ended (exit {self.proc.wait(10)})")
        return line

    def _ask(self, cmd: dict[str, object]) -> dict[str, object]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        reply: dict[str, object] = json.loads(self._read())
        return reply

    def start(self, *argv: str) -> tuple[int, Path]:
        self.n += 1
        log = self.logs / f"{self.n:03d}-{argv[2]}.log"
        return int(self._ask({"op": "start", "argv": list(argv), "log": str(log)})["pid"]), log  # type: ignore[call-overload]

    def done(self, pid: int, block: bool = False) -> tuple[bool, int | None]:
        r = self._ask({"op": "wait", "pid": pid, "block": block})
        return bool(r["done"]), r["code"]  # type: ignore[return-value]

    def run(self, *argv: str) -> tuple[int, str]:
        pid, log = self.start(*argv)
        _, code = self.done(pid, block=True)
        return int(code or 0), log.read_text(encoding="utf-8")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)


@pytest.fixture
def zygote(tmp_path: Path) -> Iterator[Zygote]:
    (tmp_path / "logs").mkdir()
    z = Zygote(tmp_path / "logs")
    yield z
    z.close()


def _committed(data: Path) -> set[str]:
    """The document names the SQL store holds (what an ingest committed)."""
    db = data / "reportqa.sqlite3"
    if not db.exists():
        return set()
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM documents")}
    except sqlite3.OperationalError:  # killed before the tables were made, or the writer holds a lock
        return set()


def _reports(folder: Path, n: int) -> list[Path]:
    """``n`` small distinct reports (generated: one organisation and year each)."""
    from eval.generate import make_report

    orgs = ["广州市海珠区财政局", "佛山市南海区教育局", "深圳市福田区卫生健康局", "珠海市香洲区民政局",
            "东莞市应急管理局", "中山市交通运输局", "江门市蓬江区水务局", "惠州市惠城区农业农村局"]
    folder.mkdir()
    out = []
    for i in range(n):
        rep = make_report(orgs[i % len(orgs)], 2015 + i // len(orgs) % 10, seed=i, name=f"r{i:03d}.txt")
        path = folder / rep.name
        path.write_text(rep.text + f"\n\n附：编号{i}。\n", encoding="utf-8")
        out.append(path)
    return out


def _wait_for(data: Path, z: Zygote, pid: int, n: int, limit: float = 120) -> bool:
    """Wait until the SQL store holds ``n`` documents; False when the ingest ended first."""
    t0 = time.monotonic()
    while len(_committed(data)) < n:
        if z.done(pid)[0]:
            return False
        assert time.monotonic() - t0 < limit, f"no progress to {n} documents in {limit} s"
        time.sleep(0.01)
    return True


@pytest.mark.slow
def test_sigkill_during_ingest_loses_nothing_committed(tmp_path: Path, zygote: Zygote) -> None:
    files = _reports(tmp_path / "in", FILES)
    data = str(tmp_path / "data")
    rng = random.Random(int(os.environ.get("REPORTQA_KILL_SEED", "13")))
    committed: set[str] = set()
    per_doc: float | None = None
    inside = 0
    t_start = time.monotonic()
    for k in range(KILLS):
        todo = [str(p) for p in files if p.name not in committed]
        pid, _ = zygote.start("--data-dir", data, "ingest", *todo)
        if per_doc is None:  # the first run times a document, then kills as every other run does
            assert _wait_for(Path(data), zygote, pid, 1)
            t1 = time.monotonic()
            assert _wait_for(Path(data), zygote, pid, 4)
            per_doc = (time.monotonic() - t1) / 3
        else:
            assert _wait_for(Path(data), zygote, pid, len(committed) + rng.randint(1, 2)), \
                "the ingest ended before the kill: nothing was tested"
        time.sleep(rng.uniform(0.0, per_doc))  # somewhere inside the next document, or between two
        os.kill(pid, signal.SIGKILL)
        assert zygote.done(pid, block=True)[1] == -signal.SIGKILL, f"kill {k}: the ingest had ended already"
        now = _committed(Path(data))
        assert now >= committed, f"kill {k}: committed documents lost: {committed - now}"
        assert len(now) < FILES
        committed = now
        code, text = zygote.run("--data-dir", data, "doctor", "--fix")
        assert code == 0 and text.rstrip().endswith("consistent"), f"kill {k}:\n{text}"
        inside += any(line.startswith("fixed: deleted") for line in text.splitlines())
        assert _committed(Path(data)) == committed
    code, text = zygote.run("--data-dir", data, "ingest", str(tmp_path / "in"))
    assert code == 0, text
    code, final = zygote.run("--data-dir", data, "doctor")
    assert code == 0, final
    m = re.search(r"(\d+) documents, (\d+) chunks in SQL, (\d+) vectors", final)
    assert m and int(m.group(1)) == FILES and m.group(2) == m.group(3), final
    assert inside >= 1, "no kill landed inside a document (orphan vectors to remove): the kill points miss the window"
    print(f"{KILLS} kills in {time.monotonic() - t_start:.0f} s, {inside} inside a document "  # noqa: T201
          f"(orphan vectors removed), {KILLS - inside} between documents or before the vectors")
