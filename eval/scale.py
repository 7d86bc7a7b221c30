"""`reportqa bench --reports N`: a generated archive of N reports, ingested and questioned in one run.

Writes ``scale_N.json`` and ``scale_N.md`` into the output folder and redraws ``scale.png`` from every
``scale_*.json`` there, so runs at 100, 1,000 and 10,000 reports make one growth curve. Measures: ingest
time against raw embedding of the same chunks, warm answer latency per route, the resident memory of a fresh
answering process (imports and model, then the answer state, then after the questions) and accuracy on the
generated gold. The questions ask about the first 100 reports at every size, so the scores compare.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import Settings

Say = Callable[[str], None]
STABLE = 100  # questions are drawn from the reports every size holds


def rss_mb() -> float:
    """Resident memory of this process now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pct(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))], 2)


def pick_questions(gold: Path, n_reports: int, k: int, seed: int = 0) -> list[dict[str, Any]]:
    """``k`` gold questions about the first min(n_reports, 100) reports (unanswerable ones included)."""
    first = {f"r{i:05d}_" for i in range(min(n_reports, STABLE))}
    items = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [g for g in items if g["id"][:7] in first]
    return random.Random(seed).sample(items, min(k, len(items)))


def run_scale(settings: Settings, n: int, out: Path, say: Say, *, questions: int = 300,
              raw: bool = True) -> dict[str, Any]:
    """Generate ``n`` reports, ingest them into fresh stores, then question them from a fresh process.

    Args:
        settings: the embedder and store URLs to use; the data directory is replaced by a fresh one.
        n: how many reports.
        out: where scale_N.json, scale_N.md and scale.png go.
        say: prints one line.
        questions: how many gold questions to ask.
        raw: also time the raw embedding of every chunk (the denominator of the ingest ratio).

    Returns:
        The measures (also written to ``out/scale_N.json``).
    """
    from eval.corpus import make_corpus, write_corpus

    work = Path(tempfile.mkdtemp(prefix=f"reportqa-scale-{n}-"))
    s = settings.model_copy(update={"data_dir": work / "data", "models_path": settings.models_dir})
    if s.chroma_url:
        s = s.model_copy(update={"collection": f"bench_{n}_{os.getpid()}"})
    say(f"[1/4] generating {n} reports into {work / 'corpus'}")
    reports = make_corpus(n)
    gold = write_corpus(work / "corpus", reports)
    files = sorted((work / "corpus").glob("*.txt"))
    result: dict[str, Any] = {
        "reports": n, "date": datetime.now(UTC).strftime("%Y-%m-%d"), "embedder": s.embedder,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "chroma": s.chroma_url or "embedded",
        "sql": "postgresql" if s.figures_url.startswith("postgres") else "sqlite",
        "corpus_mb": round(sum(f.stat().st_size for f in files) / 1e6, 2)}
    if s.embedder == "hash":
        result["note"] = ("stand-in: the hash embedder (character-pair hashing) embeds corpus and questions; "
                          "ingest ratio and dense retrieval are not those of e5")
    if raw:
        from ingest.chunk import split
        from ingest.load import load_document
        from vectorstore.embedder import make_embedder

        emb = make_embedder(s)
        emb.embed_query("预热")
        texts = [c.text for f in files for c in split(load_document(f))]
        say(f"[2/4] raw embedding of {len(texts)} chunks ({s.embedder})")
        t = time.perf_counter()
        for i in range(0, len(texts), 256):
            emb.embed_documents(texts[i:i + 256])
        result["raw_embed_s"] = round(time.perf_counter() - t, 2)
        result["chunks"] = len(texts)
    say(f"[3/4] ingest of {n} reports")
    result.update(_ingest(s, work / "corpus", say))
    if raw:
        result["ingest_over_raw_embedding"] = round(result["ingest_s"] / max(result["raw_embed_s"], 1e-9), 2)
        result["chunks_per_s"] = round(result["chunks"] / result["ingest_s"], 1)
    chosen = pick_questions(gold, n, questions)
    qfile = work / "questions.jsonl"
    qfile.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in chosen), encoding="utf-8")
    say(f"[4/4] {len(chosen)} questions from a fresh process")
    env = {**os.environ, "REPORTQA_SCALE_SETTINGS": s.model_dump_json()}
    code = f"from eval.scale import answer_side; answer_side({str(qfile)!r}, {str(work / 'eval')!r})"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the answering process failed:\n{proc.stderr[-3000:]}")
    result.update(json.loads((work / "eval" / "answer_side.json").read_text()))
    out.mkdir(parents=True, exist_ok=True)
    (out / f"scale_{n}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    (out / f"scale_{n}.md").write_text(markdown(result), encoding="utf-8")
    plot(out)
    say(markdown(result))
    say(f"written: {out / f'scale_{n}.json'}, {out / f'scale_{n}.md'}, {out / 'scale.png'}")
    return result


def _ingest(s: Settings, folder: Path, say: Say) -> dict[str, Any]:
    from app.pipeline import Assistant

    a = Assistant(s)
    last = [time.perf_counter()]
    start = time.perf_counter()

    def progress(i: int, total: int, name: str) -> None:
        if i and (time.perf_counter() - last[0] > 30 or i == total):
            el = time.perf_counter() - start
            say(f"  {i}/{total} reports, {i / el:.1f}/s, ETA {(total - i) * el / i:.0f} s")
            last[0] = time.perf_counter()

    res = a.ingest(sorted(folder.glob("*.txt")), progress=progress)  # the reports, not gold.jsonl beside them
    took = time.perf_counter() - start
    bad = [r for r in res if r.status not in ("added", "unchanged")]
    docs = a.documents()
    a.close()
    return {"ingest_s": round(took, 2), "reports_per_s": round(len(res) / took, 2), "ingest_errors": len(bad),
            "figures": sum(r.n_figures for r in res), "ingest_rss_mb": round(rss_mb())} | (
        {"docs_stored": len(docs)})


def answer_side(questions: str, out: str) -> None:
    """In a fresh process: load the model, build the answer state, ask the questions, write the measures."""
    from app.pipeline import Assistant
    from eval.run import run_eval

    s = Settings.model_validate_json(os.environ["REPORTQA_SCALE_SETTINGS"])
    a = Assistant(s)
    a.chroma.embedder.embed_query("预热")
    a.lexicon  # noqa: B018 - loads the question parser's vocabulary before the baseline
    base = rss_mb()
    t = time.perf_counter()
    a.refresh()
    state_s = time.perf_counter() - t
    after_state = rss_mb()
    a.ask("2020年广州市应急管理局预算执行率是多少")
    summary = run_eval(Path(questions), a.ask, Path(out), progress=False)
    by_route = {r: {"n": v["n"], "p50": v["p50"], "p95": v["p95"]}
                for r, v in summary["latency_ms"].get("by_route", {}).items()}
    figs = summary["figure_questions"]
    res = {"answer_state_build_s": round(state_s, 2), "rss_after_model_mb": round(base),
           "rss_answer_state_mb": round(after_state - base), "rss_after_questions_mb": round(rss_mb()),
           "questions": summary["n"], "accuracy": summary["accuracy"], "figure_questions": figs,
           "wrong_figures": summary.get("wrong_figures"), "answered_precision": summary.get("answered_precision"),
           "unanswerable_refused": summary["by_type"].get("unanswerable", {}).get("accuracy"),
           "fabricated": summary["fabricated"], "errors": summary["errors"],
           "latency_ms_p50": summary["latency_ms"]["p50"], "latency_ms_p95": summary["latency_ms"]["p95"],
           "latency_ms_by_route": by_route}
    Path(out, "answer_side.json").write_text(json.dumps(res, indent=1))


def markdown(r: dict[str, Any]) -> str:
    """One run as a markdown table."""
    lines = [f"# reportqa bench --reports {r['reports']}", "",
             f"{r['date']}, {r['machine']}, embedder {r['embedder']}, Chroma {r['chroma']}, SQL {r['sql']}", ""]
    if r.get("note"):
        lines += [f"**{r['note']}**", ""]
    lines += ["| measure | value |", "|---|---|"]
    for k, v in r.items():
        if k in ("date", "machine", "embedder", "chroma", "sql", "note", "latency_ms_by_route"):
            continue
        lines.append(f"| {k} | {json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v} |")
    lines += ["", "| route | answers | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for route, v in r.get("latency_ms_by_route", {}).items():
        lines.append(f"| {route} | {v['n']} | {v['p50']} | {v['p95']} |")
    return "\n".join(lines) + "\n"


def plot(folder: Path) -> Path | None:
    """Latency, memory and accuracy against the number of reports, from every scale_*.json in ``folder``."""
    runs = sorted((json.loads(p.read_text()) for p in folder.glob("scale_*.json")), key=lambda r: r["reports"])
    if not runs:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["reports"] for r in runs]
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))
    routes = sorted({k for r in runs for k in r.get("latency_ms_by_route", {})})
    for route in routes:
        pts = [(r["reports"], r["latency_ms_by_route"][route]["p50"]) for r in runs
               if route in r.get("latency_ms_by_route", {})]
        ax[0].plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"{route} p50")
    ax[0].set(xscale="log", xlabel="reports", ylabel="ms", title="warm answer latency (p50)")
    ax[0].legend(fontsize=7)
    ax[1].plot(n, [r["rss_after_questions_mb"] for r in runs], marker="o", label="answering process")
    ax[1].plot(n, [r["rss_answer_state_mb"] for r in runs], marker="o", label="answer state")
    ax[1].set(xscale="log", xlabel="reports", ylabel="MB", title="resident memory")
    ax[1].legend(fontsize=7)
    ax[2].plot(n, [r["accuracy"] for r in runs], marker="o")
    ax[2].set(xscale="log", xlabel="reports", ylabel="accuracy", title="accuracy, same questions", ylim=(0, 1))
    embedders = ", ".join(sorted({r["embedder"] for r in runs}))
    fig.suptitle(f"reportqa bench --reports N ({embedders})", fontsize=9)
    fig.tight_layout()
    path = folder / "scale.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
