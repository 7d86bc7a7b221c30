"""The scale-out path: figures in PostgreSQL and vectors in a Chroma server (`chroma run` on loopback)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.pipeline import Assistant
from core.config import Settings
from tests.conftest import SAMPLES
from tests.vectorstore.conftest import postgres_url  # noqa: F401 - fixture


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    proc = subprocess.Popen([exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path",
                             str(tmp_path / "chroma-server")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"chroma run exited: {err}") from None
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("chroma run did not start listening within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def pg_schema_url(postgres_url: str) -> Iterator[str]:  # noqa: F811
    schema = f"rq_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    with engine.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.mark.postgres
def test_postgres_figures_and_chroma_server(tmp_path: Path, chroma_server: str, pg_schema_url: str) -> None:
    s = Settings(data_dir=tmp_path / "data", embedder="hash", chroma_url=chroma_server, figures_url=pg_schema_url)
    a = Assistant(s)
    res = a.ingest([SAMPLES])
    assert [r.status for r in res] == ["added", "added"]
    assert [r.status for r in a.ingest([SAMPLES])] == ["unchanged", "unchanged"]
    ans = a.ask("2022年海珠区预算执行率是多少")
    assert not ans.refused and ans.value is not None and float(ans.value) == 98.15
    assert ans.citations[0].doc == "001_097af92d10472f3b.txt"
    assert a.ask("2021年海珠区预算执行率是多少").refused
    # a second process-level client sees the same stores
    b = Assistant(s)
    assert len(b.documents()) == 2 and b.chroma.collection.count() == a.chroma.collection.count()
    a.delete_document("000_817fa173afb523db.txt")
    assert [d.name for d in b.documents()] == ["001_097af92d10472f3b.txt"]
    assert b.chroma.doc_ids() == {res[1].doc_id}


def _worker(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """One API worker process (the factory uvicorn --workers N starts in each worker) on a free loopback port."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "app.web.api:app_from_env", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    return proc, f"http://127.0.0.1:{port}"


def _wait(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    import httpx

    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"worker did not answer /api/health within 180 s: {log.read_text()[-2000:]}")


@pytest.mark.postgres
def test_two_workers_answer_alike_from_shared_stores(tmp_path: Path, chroma_server: str, pg_schema_url: str) -> None:
    """Two API worker processes, each with its own data dir (so its own BM25 file, rebuilt from SQL), over one
    PostgreSQL and one Chroma server: the same answers, and a change made through one is seen by the other."""
    import os

    import httpx

    from eval.generate import make_report

    env = {**os.environ, "REPORTQA_EMBEDDER": "hash", "REPORTQA_CHROMA_URL": chroma_server,
           "REPORTQA_FIGURES_URL": pg_schema_url}
    s = Settings(data_dir=tmp_path / "ingest", embedder="hash", chroma_url=chroma_server, figures_url=pg_schema_url)
    a = Assistant(s)
    first = a.ingest([SAMPLES])
    assert [r.status for r in first] == ["added", "added"]
    workers = []
    try:
        for i in (1, 2):
            log = tmp_path / f"worker{i}.log"
            proc, url = _worker({**env, "REPORTQA_DATA_DIR": str(tmp_path / f"w{i}")}, log)
            workers.append((proc, url, log))
        for proc, url, log in workers:
            _wait(proc, url, log)
        urls = [url for _, url, _ in workers]

        def ask(url: str, q: str) -> dict:
            r = httpx.post(f"{url}/api/ask", json={"question": q}, timeout=60)
            r.raise_for_status()
            body = r.json()
            return {k: body.get(k) for k in ("answer", "refused", "value", "unit", "route", "citations")}

        questions = ["2022年海珠区预算执行率是多少", "2020年广州市应急管理局预算执行率是多少",
                     "2022年海珠区应急管理局项目支出占本年支出的比例是多少", "2021年海珠区预算执行率是多少"]
        answers = [[ask(u, q) for q in questions] for u in urls]
        assert answers[0] == answers[1]
        assert float(answers[0][0]["value"]) == 98.15 and answers[0][3]["refused"]
        # a conversation begun on worker 1 goes on on worker 2: its turns are in PostgreSQL, not in a process
        turn = {"question": questions[0], "session_id": "scaleout-s1"}
        assert httpx.post(f"{urls[0]}/api/ask", json=turn, timeout=60).json()["value"] == 98.15
        turn = {"question": "那2021年呢？", "session_id": "scaleout-s1"}
        assert httpx.post(f"{urls[1]}/api/ask", json=turn, timeout=60).json()["resolved_question"] == questions[3]
        # a report added to the shared stores by another process: both workers answer it, alike
        rep = make_report("佛山市南海区财政局", 2021, seed=11, name="nanhai_2021.txt")
        (tmp_path / "more").mkdir()
        (tmp_path / "more" / rep.name).write_text(rep.text, encoding="utf-8")
        assert [r.status for r in a.ingest([tmp_path / "more"])] == ["added"]
        g = next(g for g in rep.gold if g["type"] == "numeric" and g["unit"] == "%")
        new = [ask(u, g["question"]) for u in urls]
        assert new[0] == new[1] and not new[0]["refused"] and float(new[0]["value"]) == g["value"]
        # a deletion through worker 1's API: worker 2 no longer answers from that report
        gone = httpx.delete(f"{urls[0]}/api/documents/{first[0].doc_id}", timeout=60)
        assert gone.status_code == 200, gone.text
        after = [ask(u, questions[1]) for u in urls]
        assert after[0] == after[1] and after[1]["refused"]
        listed = [sorted(d["name"] for d in httpx.get(f"{u}/api/documents", timeout=30).json()) for u in urls]
        assert listed[0] == listed[1] == ["001_097af92d10472f3b.txt", "nanhai_2021.txt"]
    finally:
        for proc, _, _ in workers:
            proc.terminate()
            proc.wait(20)
        a.close()
