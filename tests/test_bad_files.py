"""Twenty kinds of bad file through `reportqa ingest` and through the upload API: no crash (a clear line per file
naming it, no traceback, no server path), and nothing lost (the reports stored before are all still there and
answer as before)."""

from __future__ import annotations

import gzip
import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.benchcases import dense_report
from app.pipeline import Assistant
from core.config import Settings
from tests.app.conftest import report_text
from tests.conftest import SAMPLES, answers_of
from vectorstore.doctor import check

REPORTQA = str(Path(sys.executable).parent / "reportqa")
QUESTIONS = ["2022年海珠区预算执行率是多少", "2020年广州市应急管理局预算执行率是多少", "2021年海珠区预算执行率是多少",
             "海珠区应急管理局2022年存在的主要问题是什么"]
READABLE = {"one_line.txt"}  # a 300 KB number-dense single line: odd, but a report, stored in bounded time


def _pdf(password: str | None = None) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=password) if password else canvas.Canvas(buf)
    c.drawString(72, 720, "Budget execution rate 98.15% in 2022")
    c.showPage()
    c.save()
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = "预算执行率", 98.15  # type: ignore[index]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a Word document")
    return buf.getvalue()


def bad_files() -> dict[str, bytes]:
    """File name -> content, one per kind of bad file (and one gigantic single line that is a report)."""
    rng = random.Random(13)
    report = report_text("广州市越秀区财政局", 2021, "91.20", "700.00")
    return {
        "empty.txt": b"",
        "spaces.txt": b"   \n\n \t \n",
        "junk.pdf": rng.randbytes(8192),
        "truncated.pdf": _pdf()[:400],
        "password.pdf": _pdf(password="secret"),
        "zero_pages.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                          b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R /Size 3 >>\n%%EOF\n",
        "png_named.pdf": b"\x89PNG\r\n\x1a\n" + rng.randbytes(500),
        "web_page.pdf": b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
        "zip_renamed.docx": _zip(),
        "corrupt.xlsx": _xlsx()[:300],
        "junk.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(1000),
        "junk.csv": rng.randbytes(3000),
        "no_body.html": b"<html><head><title>t</title></head></html>",
        "utf16_no_bom.txt": report.encode("utf-16-le"),
        "utf32.txt": report.encode("utf-32-le"),
        "nul_bytes.txt": report.encode().replace("。".encode(), "。".encode() + b"\x00" * 3),
        "gzipped.txt": gzip.compress(report.encode()),
        "slides.pptx": b"PK\x03\x04" + rng.randbytes(200),
        "one_line.txt": dense_report(300_000).replace("\n", " ").encode(),
    }


def _answers(a: Assistant) -> list[dict[str, Any]]:
    return answers_of(a, QUESTIONS)


def _stored(a: Assistant) -> dict[str, tuple[str, int, int]]:
    return {d.name: (d.id, d.n_chunks, d.n_figures) for d in a.documents()}


def _unchanged(a: Assistant, before: dict[str, tuple[str, int, int]], answers: list[dict[str, Any]]) -> None:
    """Every report stored before is still stored, as it was, and answers as it did; only READABLE ones were added;
    the stores agree."""
    after = _stored(a)
    assert {k: after.get(k) for k in before} == before
    assert set(after) - set(before) <= READABLE, sorted(set(after) - set(before))
    assert _answers(a) == answers
    found = check(a.store, a.chroma, a.settings.data_dir)
    assert found.ok, found.lines()


def _seeded(tmp_path: Path) -> Assistant:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    assert [r.status for r in a.ingest([SAMPLES])] == ["added", "added"]
    return a


def test_bad_files_through_the_cli(tmp_path: Path) -> None:
    a = _seeded(tmp_path)
    before, answers = _stored(a), _answers(a)
    a.close()
    folder = tmp_path / "bad"
    folder.mkdir()
    kinds = bad_files()
    for name, raw in kinds.items():
        (folder / name).write_bytes(raw)
    # what only a file system holds: a folder named .pdf, links that loop or point nowhere, a pipe
    (tmp_path / "folder.pdf").mkdir()
    (folder / "loop.pdf").symlink_to("loop.pdf")
    (folder / "dangling.txt").symlink_to("gone.txt")
    os.mkfifo(folder / "pipe.txt")
    direct = ["folder.pdf", "bad/loop.pdf", "bad/dangling.txt", "bad/pipe.txt", "bad/junk.pdf"]
    if os.geteuid() != 0:  # root reads any file whatever its mode
        (folder / "locked.txt").write_text("2022年预算执行率为98.15%。", encoding="utf-8")
        (folder / "locked.txt").chmod(0)
        direct.append("bad/locked.txt")
    env = {**os.environ, "REPORTQA_EMBEDDER": "hash"}
    for args in (["bad"], direct):  # a folder, and files named one by one
        r = subprocess.run([REPORTQA, "--data-dir", "data", "ingest", *args], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600, check=False)
        text = r.stdout + r.stderr
        assert r.returncode == 1, text
        assert "Traceback" not in text and str(tmp_path) not in text, text
        errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
        assert len(errors) == len(r.stderr.splitlines()), r.stderr  # nothing else on stderr
        if args == ["bad"]:
            for name in kinds:
                if name in READABLE:
                    assert any(ln.split()[:2] == ["added", name] for ln in r.stdout.splitlines()), r.stdout
                elif name == "slides.pptx":  # a type no loader reads, in a folder: listed as skipped
                    assert any(ln.split()[:2] == ["skipped", name] for ln in r.stdout.splitlines()), r.stdout
                else:
                    assert sum(ln.startswith(f"error: {name}: ") for ln in errors) == 1, (name, r.stderr)
            for name in ("loop.pdf", "dangling.txt", "pipe.txt"):
                assert any(ln.split()[:2] == ["skipped", name] and "not a regular file" in ln
                           for ln in r.stdout.splitlines()), (name, r.stdout)
        else:
            for name in direct:
                shown = Path(name).name if name != "folder.pdf" else name
                assert sum(shown in ln for ln in errors) == 1, (name, r.stderr)
    _unchanged(Assistant(Settings(data_dir=tmp_path / "data", embedder="hash")), before, answers)


def test_bad_files_through_the_upload_api(tmp_path: Path) -> None:
    from app.web.api import create_app

    a = _seeded(tmp_path)
    before, answers = _stored(a), _answers(a)
    kinds = bad_files()
    uploads = a.settings.data_dir / "uploads"
    with TestClient(create_app(a.settings, a, ui=False)) as client:
        files = [("files", (name, raw, "application/octet-stream")) for name, raw in kinds.items()]
        files += [("files", ("../", b"x", "text/plain")),  # a name that is no file name
                  ("files", ("junk.pdf", b"%PDF-1.4 again", "application/pdf"))]  # the same name twice
        r = client.post("/api/documents", files=files)
        assert r.status_code == 200, r.text
        rows = r.json()["results"]
        assert len(rows) == len(files)
        for row in rows:
            msg = row["message"]
            assert "Traceback" not in msg and str(tmp_path) not in msg and "/uploads/" not in msg, row
            if row["name"] in READABLE:
                assert row["status"] == "added", row
            else:
                assert row["status"] == "error" and row["name"][:3] in msg, row
        names = [row["name"] for row in rows if row["status"] == "error"]
        assert sorted(set(names)) == sorted(set(kinds) - READABLE | {"../"}), names
        # one request over the size limit: refused before its body is read, nothing kept
        small = a.settings.model_copy(update={"max_upload_mb": 1})
        held = sorted(p.name for p in uploads.iterdir())
        with TestClient(create_app(small, a, ui=False)) as limited:
            big = limited.post("/api/documents", files=[("files", ("big.txt", b"x" * (2 << 20), "text/plain"))])
        assert big.status_code == 413 and "1 MB" in big.json()["message"], big.text
        assert sorted(p.name for p in uploads.iterdir()) == held
    _unchanged(a, before, answers)
    used = {Path(d.path).name for d in a.documents()}
    assert {p.name for p in uploads.iterdir()} <= used  # no failed upload left on disk


@pytest.mark.parametrize("name", ["loop.pdf", "dangling.txt"])
def test_a_link_that_leads_nowhere_is_one_error_line(tmp_path: Path, name: str) -> None:
    """Was: the message's path was resolved, and a looping link raised RuntimeError out of the whole ingest."""
    from ingest.pipeline import ingest_paths

    a = _seeded(tmp_path)
    (tmp_path / name).symlink_to(name if name == "loop.pdf" else "gone.txt")
    [r] = ingest_paths([tmp_path / name], a.store, a.chroma)
    assert r.status == "error" and r.message.startswith(f"{name}: a symbolic link to nothing readable"), r
