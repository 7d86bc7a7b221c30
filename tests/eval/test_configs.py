"""Configurations side by side: the same gold through extractive and extractive + a chat model (a scripted
OpenAI-compatible server on loopback), one table with the model's calls and speed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pipeline import Assistant
from core.config import Settings
from eval.configs import run_configs, stratified, table
from eval.gold import load_gold
from tests.openai_loopback import LoopbackChat

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[LoopbackChat]:
    s = LoopbackChat()
    s.script = lambda messages: "资料中未找到。"
    yield s
    s.close()


def test_extractive_and_llm_side_by_side(seeded_hash_dir: Path, server: LoopbackChat, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [json.loads(x) for x in (REPO / "eval" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines() if x]
    picked = [x for x in lines if x["id"] in ("seed-001", "seed-063", "seed-065")]
    picked.append({"id": "open-1", "question": "海珠区应急管理局2022年存在的主要问题是什么", "type": "text",
                   "answer": "预算执行水平有待进一步提升", "value": None, "unit": None,
                   "doc": "001_097af92d10472f3b.txt", "evidence": None})
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in picked) + "\n", encoding="utf-8")
    settings = Settings(data_dir=seeded_hash_dir, embedder="hash", llm_url=server.url, llm_model="scripted")
    rows = run_configs(gold, ["extractive", "llm"], lambda c: Assistant(settings, config=c, always_retrieve=True),
                       tmp_path / "out", progress=False)
    ext, llm = rows
    assert ext["model"] is None and ext["n"] == llm["n"] == 4
    assert llm["model"]["calls"] >= 1 and llm["model"]["calls"] == len(server.requests)  # the open question at least
    assert llm["accuracy"] == ext["accuracy"]  # the model declined: the extractive answers stay
    md = (tmp_path / "out" / "configs.md").read_text(encoding="utf-8")
    assert md.strip() == table(rows) and "| extractive | 4 |" in md and "| llm | 4 |" in md
    assert (tmp_path / "out" / "llm" / "report.json").is_file()


def test_stratified_subset_keeps_each_type_evenly() -> None:
    items = load_gold(REPO / "eval" / "seed_qa.jsonl")
    picked = stratified(items, {"numeric": 4, "unanswerable": 2, "comparison": 5})
    kinds = [i.type for i in picked]
    assert kinds.count("numeric") == 4 and kinds.count("unanswerable") == 2 and kinds.count("comparison") == 1
    assert [items.index(i) for i in picked] == sorted(items.index(i) for i in picked)
