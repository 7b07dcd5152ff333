"""Schemathesis over every operation of the OpenAPI document, as an administrator and as a rep.

Two checks: no answer is a server error, and every answer matches the response the document
describes for its status (the error body included). The run is bounded and deterministic (a
few derandomised examples per operation), so it stays fast on SQLite and PostgreSQL alike;
the failing cases it found are kept as plain regression tests in test_bad_input.py.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kht.testing import add_user, bearer, runtime_of

CHECKS = [not_a_server_error, response_schema_conformance]
BOUNDED = settings(
    max_examples=3,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# role -> the generation modes it runs: the administrator reaches every operation, so it
# also gets invalid input; the rep checks that refusals (403/404) are documented too.
RUNS = {"administrator": (GenerationMode.POSITIVE, GenerationMode.NEGATIVE), "sales_rep": ()}


def takes_input(operation) -> bool:
    """Whether invalid input can be made for the operation (parameters or a body)."""
    return bool(list(operation.iter_parameters()) or operation.body)


def failures_of(operation, modes, headers) -> list[str]:
    """The failures of one operation, one line each (empty when it passed)."""
    found = []
    for mode in modes:
        if mode is GenerationMode.NEGATIVE and not takes_input(operation):
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @BOUNDED
        def check(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # Every input is valid (its only input is free text, such as a report key in
            # the path): there is no invalid case to send.
            if mode is not GenerationMode.NEGATIVE:
                raise
        except (AssertionError, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup
            found.append(f"{operation.label} ({mode.value}): {failure}")
    return found


@pytest.mark.parametrize("role", sorted(RUNS))
def test_every_operation_answers_as_documented_and_never_with_a_server_error(kht_app, role):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "user", role)
    headers = bearer(runtime, "user")
    schema = schemathesis.openapi.from_asgi("/api/schema/openapi.json", app)
    modes = (GenerationMode.POSITIVE, *RUNS[role])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 150  # every operation of the document, not a chosen few
    failures = [line for op in operations for line in failures_of(op, modes, headers)]
    assert not failures, "\n\n".join(failures)
