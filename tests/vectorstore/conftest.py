"""Fixtures for the SQL store: one FigureStore per back-end (SQLite file, PostgreSQL schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from vectorstore.figures import FigureStore

# Override with REPORTQA_TEST_POSTGRES_URL; otherwise the local server (trust auth) as postgres, then root.
PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


@dataclass(frozen=True)
class StoreTarget:
    """Where a test store lives; FigureStore(target.url, schema=target.schema) reopens it."""

    backend: str
    url: str
    schema: str | None = None

    def open(self) -> FigureStore:
        return FigureStore(self.url, schema=self.schema)


def _reachable(url: str) -> str | None:
    """None when we can connect, else the error text."""
    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        return None
    except sa.exc.SQLAlchemyError as exc:
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A reachable PostgreSQL URL; fails (never skips) unless REPORTQA_SKIP_POSTGRES=1 is set."""
    env = os.environ.get("REPORTQA_TEST_POSTGRES_URL")
    candidates = (env,) if env else PG_CANDIDATES
    errors = []
    for url in candidates:
        err = _reachable(url)
        if err is None:
            return url
        errors.append(f"{url}: {err}")
    message = ("PostgreSQL is needed for the tests marked `postgres` but none answered:\n  "
               + "\n  ".join(errors)
               + "\nStart it (db `test`, trust auth on 127.0.0.1:5432), set REPORTQA_TEST_POSTGRES_URL, "
               "or set REPORTQA_SKIP_POSTGRES=1 to skip these tests on purpose.")
    if os.environ.get("REPORTQA_SKIP_POSTGRES") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh, uniquely named schema, dropped with everything in it after the test."""
    schema = f"rqa_test_{uuid.uuid4().hex[:12]}"
    yield schema
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> StoreTarget:
    """The same contract tests run on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return StoreTarget("sqlite", f"sqlite:///{tmp_path / 'store' / 'reportqa.sqlite3'}")
    url = request.getfixturevalue("postgres_url")
    return StoreTarget("postgres", url, request.getfixturevalue("postgres_schema"))


@pytest.fixture
def store(store_target: StoreTarget) -> Iterator[FigureStore]:
    """An empty FigureStore on the back-end under test, closed afterwards."""
    s = store_target.open()
    yield s
    s.close()
