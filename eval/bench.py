"""`reportqa bench`: speed and memory as ratios measured in one run, on the sample reports."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.config import Settings

if TYPE_CHECKING:
    from app.pipeline import Assistant

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FIGURE_QUESTIONS = ["2022年海珠区预算执行率是多少", "2022年海珠区应急管理局年初预算是多少？",
                    "2022年海珠区应急管理局项目支出占本年支出的比例是多少"]
TEXT_QUESTIONS = ["2020年广州森林火灾应急处置实战演习在哪里举办", "海珠区应急管理局2022年自评等级是什么"]


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _timings(fn: object, questions: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            fn(q)  # type: ignore[operator]
            out.append((time.perf_counter() - t) * 1000)
    return out


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def run_bench(settings: Settings, gold: Path | None = None, rounds: int = 20) -> dict[str, float]:
    """Ingest vs raw embedding, warm answer latency in-process and over HTTP, peak memory."""
    from app.pipeline import Assistant
    from ingest.chunk import split
    from ingest.load import load_document
    from vectorstore.embedder import make_embedder

    files = sorted(SAMPLES.glob("*.txt"))
    tmp = Path(tempfile.mkdtemp(prefix="reportqa-bench-"))
    s = settings.model_copy(update={"data_dir": tmp / "data", "models_path": settings.models_dir})
    _say(f"[1/4] loading the embedder ({s.embedder})")
    emb = make_embedder(s)
    emb.embed_query("预热")
    texts = [c.text for f in files for c in split(load_document(f))]
    _say(f"[2/4] raw embedding of {len(texts)} chunks")
    t = time.perf_counter()
    emb.embed_documents(texts)
    raw = time.perf_counter() - t
    _say(f"[3/4] full ingest of {len(files)} reports (clean, chunk, figures, embed, store)")
    a = Assistant(s)
    t = time.perf_counter()
    a.ingest(files)
    ingest_s = time.perf_counter() - t
    _say("[4/4] warm answer latency")
    a.ask(FIGURE_QUESTIONS[0])
    fig = _timings(a.ask, FIGURE_QUESTIONS, rounds)
    text = _timings(a.ask, TEXT_QUESTIONS, max(2, rounds // 4))
    result = {"chunks": len(texts), "raw_embed_s": raw, "passages_per_s": len(texts) / raw,
              "ingest_s": ingest_s, "ingest_over_raw_embedding": ingest_s / raw,
              "figure_answer_ms_p50": statistics.median(fig), "figure_answer_ms_p95": _pct(fig, 0.95),
              "text_answer_ms_p50": statistics.median(text), "text_answer_ms_p95": _pct(text, 0.95)}
    try:
        result.update(_http_latency(a, rounds))
    except ImportError:
        _say("(web service not available: HTTP latency skipped)")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _say("")
    _say("| measure | value |")
    _say("|---|---|")
    for k, v in result.items():
        _say(f"| {k} | {v:.2f} |" if isinstance(v, float) else f"| {k} | {v} |")
    (settings.data_dir).mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "bench.json").write_text(json.dumps(result, indent=1))
    _say(f"\nwritten to {settings.data_dir / 'bench.json'}")
    return result


def _http_latency(a: Assistant, rounds: int) -> dict[str, float]:
    import httpx
    import uvicorn

    from app.web.api import create_app

    app = create_app(a.settings, a)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
        def ask(q: str) -> None:
            c.post("/api/ask", json={"question": q}).raise_for_status()

        ask(FIGURE_QUESTIONS[0])
        ms = _timings(ask, FIGURE_QUESTIONS, rounds)
    server.should_exit = True
    th.join(5)
    return {"http_figure_answer_ms_p50": statistics.median(ms), "http_figure_answer_ms_p95": _pct(ms, 0.95)}
