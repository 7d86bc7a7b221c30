"""End to end with the real e5 model: ingest the samples, ask through the CLI, get a cited answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.pipeline import Assistant
from core.config import Settings
from tests.conftest import SAMPLES


def _cli(*args: str, data_dir: Path, models: Path, embedder: str = "e5-small") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, REPORTQA_EMBEDDER=embedder, REPORTQA_MODELS_PATH=str(models))
    return subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_cli_ingest_and_ask_with_real_model(tmp_path: Path, models_dir: Path) -> None:
    data = tmp_path / "data"
    r = _cli("ingest", str(SAMPLES), data_dir=data, models=models_dir)
    assert r.returncode == 0, r.stderr
    assert "001_097af92d10472f3b.txt" in r.stdout
    r = _cli("ask", "2022年海珠区预算执行率是多少", "--json", data_dir=data, models=models_dir)
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert not ans["refused"] and ans["value"] == 98.15 and ans["unit"] == "%"
    assert any(c["doc"] == "001_097af92d10472f3b.txt" and "预算执行率为98.15%" in c["text"].replace(" ", "")
               for c in ans["citations"])
    for q in ("2021年海珠区预算执行率是多少", "2022年天河区应急管理局本年支出是多少"):
        r = _cli("ask", q, "--json", data_dir=data, models=models_dir)
        ans = json.loads(r.stdout)
        assert ans["refused"] and ans["reason"] and ans["value"] is None, ans


@pytest.mark.slow
def test_text_question_retrieves_with_real_model(e5_settings: Settings) -> None:
    a = Assistant(e5_settings)
    a.ingest([SAMPLES])
    ans = a.ask("2020年广州森林火灾应急处置实战演习在哪里举办")
    assert not ans.refused and "增城区小楼镇" in ans.answer
    assert ans.citations and ans.citations[0].doc == "000_817fa173afb523db.txt"


def test_cli_bad_input_exits_nonzero_naming_files(tmp_path: Path, models_dir: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    odd = tmp_path / "x.xyz"
    odd.write_text("预算")
    r = _cli("ingest", str(empty), str(odd), str(SAMPLES / "001_097af92d10472f3b.txt"), data_dir=tmp_path / "d",
             models=models_dir, embedder="hash")
    assert r.returncode != 0
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "empty.txt" in errors[0] and "x.xyz" in errors[1]
    assert "added" in r.stdout
