"""Two `reportqa bench` cases: a 1 MB single-line number-dense report against a normal 1 MB report, and
answer latency while an ingest runs against idle."""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.pipeline import Assistant
from core.config import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
QUESTION = "2022年海珠区预算执行率是多少"
Say = Callable[[str], None]


def dense_report(size: int) -> str:
    """About ``size`` bytes on one line: numbers with units separated by spaces, no sentence or clause end."""
    parts, i, total = ["2022年度某区财政局部门整体支出绩效自评报告\n"], 0, 0
    while total < size:
        part = f"项目{i}支出{i * 3 + 17}.5万元 完成率{(i * 7) % 100}.2% 培训{i % 50}人次 "
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts) + "\n"


def normal_report(size: int) -> str:
    """About ``size`` bytes of ordinary report text: the sample reports, numbered, one after another."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    parts, i, total = [], 0, 0
    while total < size:
        part = f"\n\n第{i + 1}部分\n\n" + texts[i % len(texts)]
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts)


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def long_line(settings: Settings, say: Say, size: int = 1 << 20) -> dict[str, float]:
    """Ingest (with the hash embedder, so the text side is what is timed) and the answer-state build of a
    normal and a number-dense single-line report of ``size`` bytes each, in fresh data dirs."""
    out: dict[str, float] = {}
    for kind, text in (("normal", normal_report(size)), ("dense", dense_report(size))):
        tmp = Path(tempfile.mkdtemp(prefix=f"reportqa-bench-{kind}-"))
        path = tmp / f"{kind}.txt"
        path.write_text(text, encoding="utf-8")
        a = Assistant(settings.model_copy(update={"data_dir": tmp / "data", "embedder": "hash"}))
        t = time.perf_counter()
        [r] = a.ingest([path])
        out[f"{kind}_1mb_ingest_s"] = time.perf_counter() - t
        t = time.perf_counter()
        a.refresh()
        out[f"{kind}_1mb_answer_state_s"] = time.perf_counter() - t
        out[f"{kind}_1mb_figures"] = r.n_figures
        say(f"  {kind} 1 MB report: {r.status}, {r.n_chunks} chunks, {r.n_figures} figures, ingest "
            f"{out[f'{kind}_1mb_ingest_s']:.1f} s, answer state {out[f'{kind}_1mb_answer_state_s']:.1f} s")
        a.close()
    out["dense_over_normal_ingest"] = out["dense_1mb_ingest_s"] / out["normal_1mb_ingest_s"]
    return out


def ask_during_ingest(settings: Settings, say: Say, seconds: float = 60.0, window: float = 4.0) -> dict[str, float]:
    """Figure-answer latency while an ingest of distinct copies of the samples runs for about ``seconds`` (the
    embedder of ``settings``; a new question each time, so each is worked out, none comes from the answer cache),
    against idle latency measured in pauses of that same ingest: ``window`` seconds of
    answers while it works, then half that with the ingest held between two documents, and again. On a machine
    shared with other jobs both sides see the same background load."""
    tmp = Path(tempfile.mkdtemp(prefix="reportqa-bench-busy-"))
    a = Assistant(settings.model_copy(update={"data_dir": tmp / "data"}))
    a.ingest(sorted(SAMPLES.glob("*.txt")))
    questions = figure_questions(a)
    a.ask(QUESTION)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    folder = tmp / "copies"
    folder.mkdir()
    for i in range(400):  # more than a minute of work; the ingest stops when the time is up
        (folder / f"copy_{i:03d}.txt").write_text(texts[i % len(texts)] + f"\n\n附：第{i}份副本。\n", encoding="utf-8")
    stop, go, held = threading.Event(), threading.Event(), threading.Event()
    go.set()
    done: list[int] = []

    def progress(i: int, n: int, name: str) -> None:
        done.append(i)
        if stop.is_set():
            raise _Enough
        if not go.is_set():  # held between two documents while idle answers are timed
            held.set()
            go.wait()
            held.clear()

    def work() -> None:
        try:
            a.ingest([folder], progress=progress)
        except _Enough:
            pass

    def timed() -> float:
        question = questions[len(busy) + len(idle)]  # each one new: no answer comes from the cache
        t = time.perf_counter()
        a.ask(question)
        ms = (time.perf_counter() - t) * 1000
        time.sleep(0.05)
        return ms

    th = threading.Thread(target=work, daemon=True)
    th.start()
    busy: list[float] = []
    idle: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and th.is_alive():
        until = time.monotonic() + window
        while time.monotonic() < until or (not go.is_set() and not held.is_set() and th.is_alive()):
            busy.append(timed())
            if time.monotonic() >= until:
                go.clear()  # hold the ingest at its next document; answers meanwhile still count as busy
        until = time.monotonic() + window / 2
        while time.monotonic() < until and held.is_set():
            idle.append(timed())
        go.set()
    stop.set()
    go.set()
    th.join()
    out = {"idle_answer_ms_p50": statistics.median(idle), "idle_answer_ms_p95": _pct(idle, 0.95),
           "busy_answer_ms_p50": statistics.median(busy), "busy_answer_ms_p95": _pct(busy, 0.95),
           "busy_answers": float(len(busy)), "idle_answers": float(len(idle)),
           "files_ingested_meanwhile": float(max(done, default=0))}
    out["busy_over_idle_p95"] = out["busy_answer_ms_p95"] / out["idle_answer_ms_p95"]
    say(f"  idle p95 {out['idle_answer_ms_p95']:.1f} ms ({len(idle)} answers in pauses of the ingest); during "
        f"ingest p95 {out['busy_answer_ms_p95']:.1f} ms over {len(busy)} answers while "
        f"{int(out['files_ingested_meanwhile'])} files were ingested")
    a.close()
    return out


def figure_questions(a: Assistant, n: int = 5000) -> list[str]:
    """``n`` figure questions, all different: every stated metric of the sample reports asked of each year from
    2015 to 2024, round after round with a number appended when they run out."""
    asks = sorted({f"{year}年{f.org}{f.metric}是多少" for f in a.figures() if f.org
                   for year in range(2015, 2025)})
    return [q if i < len(asks) else f"{q}（{i // len(asks)}）" for i in range(n) for q in [asks[i % len(asks)]]]


class _Enough(Exception):
    """Raised from the progress callback to end the background ingest when the measuring time is up."""


def run_cases(settings: Settings, say: Say) -> dict[str, float]:
    """Both cases, printed as a table."""
    say("[long line] a 1 MB single-line number-dense report vs a normal 1 MB report (hash embedder)")
    result = long_line(settings, say)
    say("[busy] figure answers while an ingest runs vs idle")
    result.update(ask_during_ingest(settings, say))
    say("")
    say("| measure | value |")
    say("|---|---|")
    for k, v in result.items():
        say(f"| {k} | {v:.2f} |")
    return result
