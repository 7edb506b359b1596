"""API fuzzing with schemathesis: every operation of the OpenAPI schema, called as a programme
manager, a ward manager and an executive, with generated (valid and invalid) input. Responses
must never be server errors and must match the schema: status codes, content types and bodies.

Bounded so it suits CI: a few examples per operation, derandomised (the same inputs each run).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Trust

PASSWORD = "correct-horse-battery"
LOGINS = ("pm", "wm", "exec")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


EXAMPLES_PER_OPERATION = 25


def load_schema() -> Any:
    # Generated in-process (the served schema needs a signed-in user), called through WSGI.
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    loaded.app = get_wsgi_application()
    return loaded


def basic_auth(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()


def fuzz(operation: Any) -> None:
    """Raise on the first example that fails a check (hypothesis shrinks it first)."""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, login=st.sampled_from(LOGINS))
    def run(case: Any, login: str) -> None:
        # A savepoint per request, as each request is its own transaction on a real server.
        with transaction.atomic():
            case.call_and_validate(headers={"Authorization": basic_auth(login)}, checks=CHECKS)

    run()


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    # Django's WSGI handler closes the database connection after each request (Django's test
    # client switches that off): it would end the test's transaction and lose its data.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
def test_api_answers_every_role_within_its_schema_and_without_server_errors(trust: Trust) -> None:
    operations = [result.ok() for result in load_schema().get_all_operations()]
    assert len(operations) > 50

    failures = []
    for operation in operations:
        try:
            fuzz(operation)
        except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
            failures.append(f"{operation.label}: {str(error)[:1500]}")

    assert failures == [], "\n\n".join(failures)
