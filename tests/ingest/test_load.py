"""Reading report files: encodings, hashes, and one clear line for every file we refuse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.errors import BadInput
from ingest.load import SUPPORTED, load_document, read_text
from tests.conftest import SAMPLES

SNIPPET = "# 2022 年度广州市海珠区应急管理局 部门整体支出绩效自评报告\n\n预算执行率为98.15%。\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_utf8_text_and_hash_of_bytes(tmp_path: Path) -> None:
    raw = SNIPPET.encode("utf-8")
    text, digest = read_text(_write(tmp_path, "a.txt", raw))
    assert text == SNIPPET
    assert digest == hashlib.sha256(raw).hexdigest()


def test_bom_is_stripped(tmp_path: Path) -> None:
    text, digest = read_text(_write(tmp_path, "bom.md", b"\xef\xbb\xbf" + SNIPPET.encode("utf-8")))
    assert text == SNIPPET
    assert not text.startswith("\ufeff")
    assert digest == hashlib.sha256(b"\xef\xbb\xbf" + SNIPPET.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_chinese_legacy_encodings(tmp_path: Path, encoding: str) -> None:
    snippet = (SAMPLES / "000_817fa173afb523db.txt").read_text("utf-8")[:600]
    text, _ = read_text(_write(tmp_path, f"{encoding}.txt", snippet.encode(encoding)))
    assert text == snippet


def test_utf16_with_bom(tmp_path: Path) -> None:
    text, _ = read_text(_write(tmp_path, "u16.txt", SNIPPET.encode("utf-16")))
    assert text == SNIPPET


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    text, _ = read_text(_write(tmp_path, "REPORT.TXT", SNIPPET.encode()))
    assert "98.15%" in text


def _refused(path: Path) -> str:
    with pytest.raises(BadInput) as e:
        read_text(path)
    msg = str(e.value)
    assert "\n" not in msg and path.name in msg
    return msg


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in _refused(tmp_path / "nope.txt")


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    msg = _refused(_write(tmp_path, "report.pdf", b"%PDF-1.7"))
    assert "'.pdf'" in msg and all(ext in msg for ext in SUPPORTED)


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in _refused(_write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file(tmp_path: Path) -> None:
    assert "whitespace" in _refused(_write(tmp_path, "blank.txt", "  \n\t\r\n\u3000\n".encode()))


def test_binary_named_txt(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    assert "binary" in _refused(_write(tmp_path, "image.txt", png))


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    data = bytes((i * 7919 + 13) % 255 + 1 for i in range(4000))  # no NUL, not text in any encoding
    assert "binary" in _refused(_write(tmp_path, "noise.txt", data))


def test_load_document_detects_and_cleans() -> None:
    doc = load_document(SAMPLES / "001_097af92d10472f3b.txt")
    assert doc.name == "001_097af92d10472f3b.txt"
    assert Path(doc.path).is_absolute() and Path(doc.path).name == doc.name
    assert (doc.org, doc.year, doc.report_type) == ("广州市海珠区应急管理局", 2022, "部门整体支出绩效自评报告")
    assert doc.title == "2022年度广州市海珠区应急管理局部门整体支出绩效自评报告"
    assert "**" not in doc.text and "从评价情况来看" in doc.text
    assert doc.sha256 == hashlib.sha256((SAMPLES / doc.name).read_bytes()).hexdigest()


def test_overrides_win(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.md", SNIPPET.encode())
    doc = load_document(p, org="广州市天河区财政局", year=2021, report_type="项目支出绩效自评报告")
    assert (doc.org, doc.year, doc.report_type) == ("广州市天河区财政局", 2021, "项目支出绩效自评报告")
    assert load_document(p).year == 2022


def test_same_bytes_same_id_changed_bytes_new_id(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.txt", SNIPPET.encode())
    first = load_document(p).id
    assert load_document(p).id == first
    p.write_bytes((SNIPPET + "补充。\n").encode())
    assert load_document(p).id != first


def test_only_page_numbers_is_refused(tmp_path: Path) -> None:
    p = _write(tmp_path, "pages.txt", "- 1 -\n\n第 2 页\n".encode())
    with pytest.raises(BadInput, match="pages.txt"):
        load_document(p)
