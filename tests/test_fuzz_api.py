"""Property-based fuzzing of the API over its own OpenAPI schema (schemathesis strategies, run by hypothesis,
in-process over ASGI): requests that fit the schema and requests that break it, on every operation, must never
get a 5xx. Bounded for CI: REPORTQA_FUZZ_EXAMPLES examples per operation and mode (default 30)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from app.pipeline import Assistant
from core.config import Settings
from tests.conftest import SAMPLES

EXAMPLES = int(os.environ.get("REPORTQA_FUZZ_EXAMPLES", "30"))
KEY = "fuzz-key-0123456789abcdef"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """Both sample reports, hash embedder."""
    a = Assistant(Settings(data_dir=tmp_path_factory.mktemp("fuzz") / "data", embedder="hash"))
    assert [r.status for r in a.ingest([SAMPLES])] == ["added", "added"]
    yield a
    a.close()


def _app(a: Assistant, keys: str = "") -> FastAPI:
    from app.web.api import create_app

    return create_app(a.settings.model_copy(update={"api_keys": keys}), a, ui=False)


def _fuzz(app: FastAPI, mode: schemathesis.GenerationMode, headers: dict[str, str] | None = None) -> list[str]:
    """Every operation of the app's schema, EXAMPLES generated requests each; the 5xx answers found."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [res.ok() for res in schema.get_all_operations()]  # type: ignore[union-attr]  # an error raises
    assert len(operations) >= 10, [op.label for op in operations]
    for op in operations:
        @given(case=op.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:300]}\n  {case.as_curl_command()}")

        try:
            run()
        except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
            assert mode is schemathesis.GenerationMode.NEGATIVE, op.label
    return failures


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
def test_no_request_gets_a_server_error(assistant: Assistant, mode: schemathesis.GenerationMode) -> None:
    failures = _fuzz(_app(assistant), mode)
    assert not failures, "\n".join(failures[:10])
    # the reports are still there and answer (the fuzzing may have added its own, never removed these)
    names = {d.name for d in assistant.documents()}
    assert {"000_817fa173afb523db.txt", "001_097af92d10472f3b.txt"} <= names
    assert not assistant.ask("2022年海珠区预算执行率是多少").refused


def test_no_request_gets_a_server_error_behind_keys(assistant: Assistant) -> None:
    """With API keys on, fuzzed requests with and without the key: 401 or an answer, never a 5xx."""
    app = _app(assistant, KEY)
    failures = _fuzz(app, schemathesis.GenerationMode.POSITIVE, {"Authorization": f"Bearer {KEY}"})
    failures += _fuzz(app, schemathesis.GenerationMode.NEGATIVE)
    assert not failures, "\n".join(failures[:10])
