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
