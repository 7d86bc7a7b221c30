"""The web chat: HTML rendering of answers, and the real page driven in Debian chromium."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.web.render import answer_html, highlight
from app.web.ui import example_questions
from core.answer import Answer, Citation, refusal
from tests.app.conftest import ARTIFACTS, Live, report_text

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_highlight_marks_the_quote_in_its_paragraph() -> None:
    ctx = "# 标题\n\n前文。预算执行率为98.15%，后文。\n下一段"
    c = Citation("r.txt", "二", "预算执行率为98.15%", 0, 0, "", ctx)
    assert highlight(c) == "前文。<mark>预算执行率为98.15%</mark>，后文。"
    assert highlight(c, width=2) == "…文。<mark>预算执行率为98.15%</mark>，后…"


def test_report_text_is_escaped() -> None:
    c = Citation("<script>.txt", "s", "<img src=x onerror=alert(1)>", 0, 0, "", "")
    html = answer_html(Answer(question="q", answer="<b>a</b>", citations=[c]))
    assert "<script>" not in html and "<img" not in html and "&lt;img" in html


def test_figure_card_and_refusal() -> None:
    a = Answer(question="q", answer="项目支出占比为20.38%。", route="computed", value=Decimal("20.38"), unit="%",
               org="某局", year=2022, metric="项目支出占比", formula="546.49 / 2681.33 × 100% = 20.38%",
               warnings=["由两个数字计算得出"], citations=[Citation("r.txt", "二", "项目支出546.49万元", 0, 9)])
    html = answer_html(a, asked="2022年某局项目支出占比是多少")
    for part in ("20.38", "某局", "2022", "计算：546.49 / 2681.33", "⚠ 由两个数字计算得出", "r.txt", "<mark>", "按“"):
        assert part in html
    no = answer_html(refusal("2021年某局预算执行率是多少", "没有2021年的报告"))
    assert "报告中未找到答案" in no and "没有2021年的报告" in no and "rq-card" not in no


def test_path_label_names_the_route_that_answered() -> None:
    from app.web.render import answer_path

    assert [answer_path(r) for r in ("figure", "scored", "comparison", "computed", "text", "text+llm", "model")] == [
        "table", "table", "table", "computed", "passage", "model", "model"]
    html = answer_html(Answer(question="q", answer="一是…", route="text", warnings=["模型答案中的数字未通过核对"]))
    assert "回答途径：原文段落（passage）" in html and "⚠ 模型答案中的数字未通过核对" in html
    assert "未作答（none）" in answer_html(refusal("q", "没有"))


def test_examples_follow_the_catalog() -> None:
    qs = example_questions([(None, None), ("甲局", 2022), ("乙局", 2020)])
    assert "2022年甲局预算执行率是多少" in qs and any("谁的" in q for q in qs)
    assert example_questions([])  # still something to click before any report is loaded


@pytest.mark.browser
def test_web_chat_answers_uploads_and_cites(live_ui: Live, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (scripts/test.sh does it)")
    from playwright.sync_api import expect, sync_playwright

    report = tmp_path / "nansha_2021.txt"
    report.write_text(report_text("广州市南沙区财政局", 2021, "91.20", "3310.75"), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        try:
            page.goto(live_ui.url + "/")
            page.locator("#question textarea").fill("2022年海珠区预算执行率是多少")
            page.locator("#ask").click()
            card = page.locator("#chat .rq-card").last
            expect(card).to_contain_text("98.15", timeout=30_000)
            sources = page.locator("#chat .rq-sources").last
            expect(sources).to_contain_text("001_097af92d10472f3b.txt")
            expect(sources.locator("mark").first).to_contain_text("98.15%")
            expect(page.locator("#chat .rq-path").last).to_contain_text("数字表（table）")
            page.screenshot(path=str(ARTIFACTS / "ui_chat.png"), full_page=True)

            page.locator("#chat button[aria-label=Like]").last.click()
            expect(page.locator("#feedback-status")).to_contain_text("已记录")

            page.locator("#question textarea").fill("那2021年呢？")  # resolved against the turn kept in SQL
            page.locator("#ask").click()
            expect(page.locator("#chat .rq-asked").last).to_contain_text("2021年海珠区预算执行率是多少",
                                                                       timeout=30_000)
            expect(page.locator("#chat .rq-path").last).to_contain_text("未作答（none）")
            page.screenshot(path=str(ARTIFACTS / "ui_followup.png"), full_page=True)

            page.get_by_role("tab", name="文档").click()
            page.locator("#upload input[type=file]").set_input_files([str(report)])
            page.locator("#ingest").click()
            expect(page.locator("#ingest-results")).to_contain_text("已导入", timeout=60_000)
            expect(page.locator("#documents")).to_contain_text("nansha_2021.txt")

            page.get_by_role("tab", name="问答").click()
            page.locator("#question textarea").fill("2021年南沙区财政局预算执行率是多少")
            page.locator("#question textarea").press("Enter")
            expect(page.locator("#chat .rq-card").last).to_contain_text("91.2", timeout=30_000)
            expect(page.locator("#chat .rq-sources").last).to_contain_text("nansha_2021.txt")
            page.screenshot(path=str(ARTIFACTS / "ui_upload.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "ui_failure.png"), full_page=True)
            raise
        finally:
            browser.close()
            for d in live_ui.assistant.documents():
                if d.name == "nansha_2021.txt":
                    live_ui.assistant.delete_document(d.id)
