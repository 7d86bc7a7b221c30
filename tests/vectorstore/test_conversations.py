"""Conversation turns in the SQL store: the same contract on SQLite and PostgreSQL, seen across processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from tests.vectorstore.conftest import StoreTarget
from vectorstore.conversations import ConversationLog, Turn
from vectorstore.figures import FigureStore


def test_turns_in_order_per_session_and_bounded(store: FigureStore) -> None:
    log = ConversationLog(store, keep=3)
    for i in range(5):
        log.add("s1", f"asked {i}", f"resolved {i}")
    log.add("s2", "other", "other resolved")
    assert log.turns("s1") == [Turn(f"asked {i}", f"resolved {i}") for i in (2, 3, 4)]  # only the last 3 kept
    assert log.turns("s1", limit=1) == [Turn("asked 4", "resolved 4")]
    assert log.turns("s2") == [Turn("other", "other resolved")] and log.turns("nobody") == []
    assert log.forget("s1") == 3 and log.turns("s1") == []


def test_turns_of_abandoned_conversations_expire(store: FigureStore) -> None:
    import sqlalchemy as sa

    from vectorstore.conversations import turns_t

    log = ConversationLog(store, max_age=timedelta(days=30))
    log.add("old", "q", "q")
    with store.engine.begin() as conn:
        conn.execute(sa.update(turns_t).values(at=datetime.now(UTC) - timedelta(days=31)))
    log.add("new", "q2", "q2")
    assert log.turns("old") == [] and log.turns("new") == [Turn("q2", "q2")]


def test_turns_outlive_the_store_object_and_the_process(store_target: StoreTarget) -> None:
    first = store_target.open()
    ConversationLog(first).add("s", "2022年海珠区预算执行率是多少", "2022年海珠区预算执行率是多少")
    first.close()
    code = ("import sys; from vectorstore.figures import FigureStore; from vectorstore.conversations import "
            "ConversationLog; s = FigureStore(sys.argv[1], schema=sys.argv[2] or None); "
            "ConversationLog(s).add('s', '那2021年呢？', '2021年海珠区预算执行率是多少'); s.close()")
    subprocess.run([sys.executable, "-c", code, store_target.url, store_target.schema or ""], check=True)
    again = store_target.open()
    try:
        assert [t.resolved for t in ConversationLog(again).turns("s")] == [
            "2022年海珠区预算执行率是多少", "2021年海珠区预算执行率是多少"]
    finally:
        again.close()


def test_concurrent_turns_of_one_session_all_land(store: FigureStore) -> None:
    log = ConversationLog(store, keep=50)
    threads = [threading.Thread(target=log.add, args=("s", f"q{i}", f"r{i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(t.asked for t in log.turns("s", limit=50)) == sorted(f"q{i}" for i in range(8))


def test_workers_starting_together_all_get_the_table(store_target: StoreTarget) -> None:
    stores = [store_target.open() for _ in range(4)]
    errors: list[Exception] = []

    def start(s: FigureStore) -> None:
        try:
            ConversationLog(s).add("w", "q", "q")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == [] and len(ConversationLog(stores[0]).turns("w")) == 4
    finally:
        for s in stores:
            s.close()
