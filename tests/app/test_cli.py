"""The reportqa command in-process: ingest, docs, figures, ask, eval, with the fake embedder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli, coverage_lines
from tests.conftest import GOLD, REPO, SAMPLES


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REPORTQA_EMBEDDER", "hash")
    runner = CliRunner()
    data = str(tmp_path / "data")

    def invoke(*args: str) -> tuple[int, str]:
        r = runner.invoke(cli, ["--data-dir", data, *args], catch_exceptions=False)
        return r.exit_code, r.output

    return invoke


def _starting(text: str, word: str) -> int:
    return sum(1 for ln in text.splitlines() if ln.startswith(word))


def test_ingest_docs_figures_ask(run) -> None:  # type: ignore[no-untyped-def]
    code, text = run("ingest", str(SAMPLES))
    assert code == 0 and _starting(text, "added ") == 2 and "figure coverage" in text
    assert text.rstrip().endswith("2 added")  # the batch in one line
    code, text = run("ingest", str(SAMPLES))
    assert _starting(text, "unchanged ") == 2
    code, text = run("docs", "list")
    assert "广州市海珠区应急管理局" in text and "2022" in text
    code, text = run("figures", "--year", "2022", "--metric", "执行率", "--csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(r["value"] == "98.15" and r["unit"] == "%" for r in rows)
    code, text = run("ask", "2022年海珠区预算执行率是多少")
    assert "98.15%" in text and "[001_097af92d10472f3b.txt · 第1页 · " in text  # file · page · section
    code, text = run("ask", "2021年海珠区预算执行率是多少", "--json")
    ans = json.loads(text)
    assert ans["refused"] and "2022" in ans["reason"]
    doc_id = next(line.split()[0] for line in run("docs", "list")[1].splitlines() if "001_" in line)
    code, text = run("docs", "delete", doc_id)
    assert code == 0 and "deleted" in text
    code, text = run("ask", "2022年海珠区预算执行率是多少", "--json")
    assert json.loads(text)["refused"]


def test_eval_with_floor_and_compare(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(SAMPLES))
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    code, text = run("eval", str(GOLD), "--out", str(out_a), "--limit", "10")
    assert code == 0 and (out_a / "report.html").exists()
    code, text = run("eval", str(GOLD), "--out", str(out_b), "--limit", "10", "--config", "naive")
    assert code == 0
    code, text = run("eval", "--compare", str(out_a / "report.json"), str(out_b / "report.json"))
    assert code == 0 and "naive" in text
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"accuracy": 0.99}))
    code, _ = run("eval", str(GOLD), "--out", str(out_b), "--limit", "10", "--config", "naive", "--floor", str(floor))
    assert code == 1


def test_coverage_lines_summarise_per_report() -> None:
    rows = [("a.txt", "本年支出", 1), ("a.txt", "预算执行率", 2), ("b.txt", "得分", 1)]
    lines = coverage_lines(rows, {"a.txt"})
    assert len(lines) == 2 and "a.txt: 3 figures, 2 metrics" in lines[1] and "预算执行率 2" in lines[1]


ENCRYPTED_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                 b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                 b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
                 b"4 0 obj << /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
                 + b"> /P -4 >> endobj\ntrailer << /Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff>"
                 b" <00112233445566778899aabbccddeeff>] /Size 5 >>\n%%EOF\n")


def test_folder_ingest_lists_what_it_skips_and_fails_on_broken_files_without_stopping(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import docx

    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "haizhu.txt").write_text((SAMPLES / "001_097af92d10472f3b.txt").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("上海市某区财政局2024年度部门决算。本年支出合计2940.05万元。")
    d.save(str(folder / "sub" / "juesuan.docx"))
    pdf = (REPO / "tests" / "data" / "formats" / "shpt_sfj_2026_bmys.pdf").read_bytes()
    broken = {"locked.pdf": ENCRYPTED_PDF, "cut.pdf": pdf[:60000],
              "page.pdf": b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
              "broken.docx": b"PK\x03\x04" + bytes(200), "broken.xlsx": b"PK\x03\x04not a workbook" * 20}
    for name, data in broken.items():
        (folder / name).write_bytes(data)
    (folder / "notes.pptx").write_bytes(b"PK\x03\x04")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    code, text = run("ingest", str(folder))
    assert code == 1  # a file could not be read
    assert "added     haizhu.txt" in text and "added     sub/juesuan.docx" in text  # the batch went on
    assert "skipped   notes.pptx  not a report file type ('.pptx')" in text and ".DS_Store" not in text
    errors = [ln for ln in text.splitlines() if ln.startswith("error: ")]
    for name, why in (("locked.pdf", "encrypted"), ("cut.pdf", "damaged or truncated"), ("page.pdf", "HTML"),
                      ("broken.docx", "damaged"), ("broken.xlsx", "")):
        line = next((ln for ln in errors if name in ln), None)
        assert line is not None and why in line, (name, errors)
    assert "2 added, 5 error, 1 skipped" in text
    code, text = run("docs", "list")
    stored = [ln.split()[1] for ln in text.splitlines() if "  org=" in ln]
    assert sorted(stored) == ["haizhu.txt", "sub/juesuan.docx"]  # nothing of the broken files is stored


def test_a_folder_without_reports_is_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "slides"
    folder.mkdir()
    (folder / "talk.pptx").write_bytes(b"PK\x03\x04")
    code, text = run("ingest", str(folder))
    assert code == 1 and "no report file in this folder" in text and "skipped   talk.pptx" in text
