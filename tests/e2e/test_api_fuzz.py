"""schemathesis against the app's own OpenAPI, in process over the in-memory fakes: generated
requests to every operation, as an admin, must never get a 5xx nor a response that breaks
the documented schema. Bounded: 40 examples per operation (28 operations: over 1,000 requests)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from slmo.api import create_app
from slmo.bootstrap import in_memory
from tests.api_support import ADMIN, FixedClock, seed


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx: Any, value: Any) -> bytes:
    # The body is documented as text: send it as it was generated.
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")


_slmo = in_memory(clock=FixedClock())
seed(_slmo)
_, TOKEN = _slmo.auth.create("admin", ADMIN, name="fuzzer")
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_slmo))


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
