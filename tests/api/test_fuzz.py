"""Schemathesis against the API's own OpenAPI schema, in process, on the fake encoder.

Every operation gets generated requests, valid and invalid; each response must not be a 5xx,
must have a documented status and content type, and must match its documented schema; an
invalid request must be refused with a 4xx. The last test checks that at least 1,000 requests
were sent. (Schema-valid but meaningless requests, such as an organisation no initiative names,
are refused with 422 by design, so the check that every schema-valid request is accepted is
left out.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

import matcher.facade
import matcher.search.encoders
from matcher.api.app import create_app
from matcher.api.config import ServerSettings
from matcher.api.run import open_live
from matcher.search.calibration import load_calibration
from tests.conftest import DATA, HashingEncoder

ROOT = Path(__file__).resolve().parents[2]

MIN_REQUESTS = 1000
EXAMPLES = 70
"""Generated requests per operation, valid and invalid each."""

SENT: list[str] = []


def fakes(*_: object) -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


@pytest.fixture(
    scope="module", params=["fake-encoder", pytest.param("real-models", marks=pytest.mark.model)]
)
def api_schema(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> schemathesis.BaseSchema:
    """The app over the mini corpus on the fake encoder, or (`model`) over a copy of the
    project's index and catalogue on the real models and their shipped calibration."""
    folder = tmp_path_factory.mktemp("fuzz")
    corpus = folder / "catalogue.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "real-models":
            shutil.copytree(ROOT / "index", folder / "index")
            shutil.copy(ROOT / "corpus" / "initiatives.jsonl", corpus)
            patch.setattr(matcher.facade, "load_calibration", load_calibration)
        else:
            shutil.copy(DATA / "mini.jsonl", corpus)
            patch.setattr(matcher.facade, "default_encoders", fakes)
            patch.setattr(matcher.search.encoders, "default_encoders", fakes)
        live = open_live(folder / "index", corpus)
    # a token is configured, so the guarded endpoints are fuzzed behind it (401 without it)
    app = create_app(live, ServerSettings(token="fuzz-token", max_body_bytes=64 * 1024))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # an invalid body too large for the cap is refused with 413, which is a rejection too
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx: Any, value: Any) -> bytes:
    """The import body as sent: text as it is, anything else (an invalid body) as JSON."""
    return value.encode("utf-8") if isinstance(value, str) else json.dumps(value).encode()


load_all_checks()
EXCLUDED = [c for c in CHECKS.get_all() if c.__name__ == "positive_data_acceptance"]
assert EXCLUDED, "schemathesis renamed its positive_data_acceptance check"
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def schema_and_validation_agree(ctx: Any, response: Any, case: schemathesis.Case) -> None:
    """The check that replaces positive_data_acceptance: a request the schema allows may be
    refused only by the engine's own reading (code `input`: an unknown organisation, a
    statement without a word), never by request validation (`invalid-request`), which would
    mean the schema and the models disagree."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code == 422:
        answer = json.loads(response.content)
        field = answer.get("error", "").split(":")[0]
        body = case.body if isinstance(case.body, dict) else {}
        if isinstance(body.get(field), float) and "valid integer" in answer["error"]:
            return  # JSON Schema counts 5.0 as an integer; the API, as documented, wants 5
        assert answer.get("code") != "invalid-request", (
            f"the schema allows what validation refuses: {case.body!r}"
        )


def fuzz(case_strategy: st.SearchStrategy[schemathesis.Case], sent: list[str]) -> None:
    @given(case=case_strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            excluded_checks=EXCLUDED, additional_checks=[schema_and_validation_agree]
        )
        sent.append(case.operation.label)

    run()


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_api_conforms_to_its_schema(
    api_schema: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    """(Schemathesis's own pytest decorator cannot read a fixture under pytest 9, so each
    operation's strategy is run with Hypothesis directly.)"""
    sent: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _can_be_invalid(operation):
            continue
        fuzz(operation.as_strategy(generation_mode=mode), sent)
    SENT.extend(sent)
    assert len({label for label in sent}) == len(
        [o for o in operations if mode is GenerationMode.POSITIVE or _can_be_invalid(o)]
    )


def _can_be_invalid(operation: Any) -> bool:
    """An operation without parameters or a body has no invalid request to generate."""
    return bool(operation.body or list(operation.iter_parameters()))


def test_enough_requests_were_generated() -> None:
    if not SENT:
        pytest.skip("counts the requests of the fuzzing tests above; run the whole module")
    print(f"schemathesis sent {len(SENT)} requests over {len(set(SENT))} operations")
    assert len(SENT) >= MIN_REQUESTS, f"only {len(SENT)} requests"
