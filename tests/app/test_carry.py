"""The answer state of a new store generation is built from the last one: what belongs to documents stored
unchanged since is taken over, the rest read again. The carried state must equal one built from nothing."""

from __future__ import annotations

from pathlib import Path

from app.pipeline import Assistant
from core.config import Settings
from tests.conftest import SAMPLES

FIRST, SECOND = SAMPLES / "000_817fa173afb523db.txt", SAMPLES / "001_097af92d10472f3b.txt"


def _summary(a: Assistant) -> tuple[list[str], list[str], list[str], list[str | None]]:
    st = a.state()
    views = [v.fig.id for v in st.figqa.views]
    return sorted(st.chunks), views, [d.id for d in st.docs], sorted(st.figqa.heads.values())


def test_state_carried_over_equals_one_built_afresh(tmp_path: Path) -> None:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    a.ingest([FIRST])
    first = a.ask("2020年广州市应急管理局预算执行率是多少")
    assert not first.refused
    old = a.state()
    a.ingest([SECOND])
    new = a.state()
    kept = {v.fig.id for v in old.figqa.views}
    assert kept and all(v is next(w for w in old.figqa.views if w.fig.id == v.fig.id)
                        for v in new.figqa.views if v.fig.id in kept)  # the first report's views taken over
    fresh = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    assert _summary(a) == _summary(fresh)
    for q in ("2020年广州市应急管理局预算执行率是多少", "2022年海珠区预算执行率是多少"):
        x, y = a.ask(q), fresh.ask(q)
        assert (x.refused, x.value, x.unit) == (y.refused, y.value, y.unit), q
    fresh.close()
    a.close()


def test_a_deleted_or_changed_report_is_read_again(tmp_path: Path) -> None:
    a = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    folder = tmp_path / "reports"
    folder.mkdir()
    report = folder / "水务局.txt"
    report.write_text("2022年度某区水务局部门整体支出绩效自评报告\n本年支出2681.33万元，预算执行率为97.5%。\n",
                      encoding="utf-8")
    a.ingest([report, FIRST])
    assert a.ask("2022年某区水务局预算执行率是多少").value is not None
    report.write_text("2022年度某区水务局部门整体支出绩效自评报告\n本年支出2681.33万元，预算执行率为88.2%。\n",
                      encoding="utf-8")
    a.ingest([report])
    assert str(a.ask("2022年某区水务局预算执行率是多少").value) == "88.2"
    a.delete_document("水务局.txt")
    assert all(v.fig.doc_name != "水务局.txt" for v in a.state().figqa.views)
    fresh = Assistant(Settings(data_dir=tmp_path / "data", embedder="hash"))
    assert _summary(a) == _summary(fresh)
    fresh.close()
    a.close()
