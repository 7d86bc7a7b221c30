"""Uploads: any name length or script, stored under generated names, each failure reported alone, failed uploads
removed, messages free of server paths."""

from __future__ import annotations

import httpx

from tests.app.conftest import Live, report_text

LONG = "广州市某某区某某局关于二〇二三年度部门整体支出绩效自评情况及项目支出绩效评价结果的报告" * 2 + ".txt"


def _uploaded(live: Live) -> set[str]:
    folder = live.settings.data_dir / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_long_names_are_kept_and_failures_stay_alone(live: Live) -> None:
    assert len(LONG.encode()) > 255  # longer than a Linux file name may be
    before = _uploaded(live)
    files = [("files", (LONG, report_text("广州市番禺区财政局", 2023, "93.40", "1200.00").encode(), "text/plain")),
             ("files", ("empty.txt", b"", "text/plain")),
             ("files", ("黄埔区.txt", report_text("广州市黄埔区财政局", 2023, "90.10", "800.00").encode(), "text/plain")),
             ("files", ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"))]
    r = httpx.post(f"{live.url}/api/documents", files=files, timeout=120)
    assert r.status_code == 200, r.text
    out = r.json()
    by_name = {x["name"]: x for x in out["results"]}
    assert by_name[LONG]["status"] == "added" and by_name["黄埔区.txt"]["status"] == "added", out
    assert by_name["empty.txt"]["status"] == "error" and by_name["photo.png"]["status"] == "error"
    assert out["counts"]["added"] == 2 and out["counts"]["error"] == 2
    for row in out["results"]:
        assert str(live.settings.data_dir) not in row["message"] and "/uploads/" not in row["message"], row
    assert "empty.txt" in by_name["empty.txt"]["message"]
    new = _uploaded(live) - before
    assert len(new) == 2 and all(len(n.encode()) < 60 for n in new)  # generated names; the failed ones are gone
    docs = {d["name"]: d for d in httpx.get(f"{live.url}/api/documents").json()}
    assert LONG in docs
    again = httpx.post(f"{live.url}/api/documents", files=files[:1], timeout=120).json()
    assert again["results"][0]["status"] == "unchanged" and _uploaded(live) - before == new  # nothing new kept
    for name in (LONG, "黄埔区.txt"):
        assert httpx.delete(f"{live.url}/api/documents/{docs[name]['id']}").status_code == 200
    assert _uploaded(live) == before
