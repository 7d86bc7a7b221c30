"""A cited page of a stored PDF as an image, the quote highlighted; the web chat links each PDF source to it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.pageimage import quote_boxes, render_page
from app.pipeline import Assistant
from app.web.api import create_app
from app.web.render import sources_html
from core.answer import Citation
from core.config import Settings
from core.errors import BadInput, NotFound
from tests.conftest import REPO
from tests.ingest import formats_source as source

CZJ = REPO / "tests" / "data" / "formats" / "shpt_czj_2024_bmjs.pdf"


def _yellow(png: bytes) -> int:
    """Pixels of the highlight colour (yellow over white paper)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 240 and 225 < g < 250 and b < 200)


def test_the_quote_is_found_where_the_text_layer_sets_it_apart() -> None:
    """Digits in this PDF sit 5 pt lower than the Chinese around them: the quote is still one line, on page 23."""
    [box] = quote_boxes(CZJ, 23, "平均得分99.43分")
    assert 300 < box[0] < box[2] < 450 and box[3] - box[1] < 20
    assert quote_boxes(CZJ, 22, "平均得分99.43分") == []  # not on another page
    plain, marked = render_page(CZJ, 23), render_page(CZJ, 23, "平均得分99.43分")
    assert plain.startswith(b"\x89PNG") and _yellow(marked) > _yellow(plain) + 200


def test_not_a_pdf_or_no_such_page(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not a PDF"):
        render_page(tmp_path / "r.txt", 1)
    with pytest.raises(NotFound, match="25 pages"):
        render_page(CZJ, 26)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    font = source.cjk_font()
    assert font is not None, "no CJK font: scripts/test.sh installs fonts-wqy-microhei"
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    res = a.ingest([source.write_pdf(tmp_path / "report.pdf", font), source.write_txt(tmp_path / "report.txt")])
    assert [r.status for r in res] == ["added", "added"], res
    return TestClient(create_app(a.settings, a, ui=False))


def test_the_api_returns_the_page_with_the_quote_highlighted(client: TestClient) -> None:
    last = source.rows()[-1]
    r = client.get("/api/page", params={"doc": "report.pdf", "page": 2, "quote": f"{last.code}\t{last.name}"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    plain = client.get("/api/page", params={"doc": "report.pdf", "page": 2}).content
    assert _yellow(r.content) > _yellow(plain) + 100
    assert client.get("/api/page", params={"doc": "report.pdf", "page": 3}).status_code == 404
    assert client.get("/api/page", params={"doc": "missing.pdf", "page": 1}).status_code == 404
    assert client.get("/api/page", params={"doc": "report.pdf", "page": 0}).status_code == 422
    text = client.get("/api/page", params={"doc": "report.txt", "page": 1})
    assert text.status_code == 400 and "not a PDF" in text.text  # a text report has no page image


def test_the_web_chat_links_a_pdf_source_to_its_page() -> None:
    html = sources_html([Citation("决算.pdf", "收入支出决算总表", "总计 2,995.39", 0, 11, page=7),
                         Citation("r.txt", "一", "98.15%", 0, 6, page=1)])
    assert "决算.pdf · 第7页 · 收入支出决算总表" in html
    assert html.count("查看原页") == 1 and "/api/page?doc=%E5%86%B3%E7%AE%97.pdf&amp;page=7&amp;quote=" in html
