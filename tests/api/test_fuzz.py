"""API fuzzing with schemathesis against a running server.

Django's live server listens on 127.0.0.1 over the demo trust, kept small (the authorisation
matrix's world). schemathesis loads the OpenAPI schema from the server's own URL and calls
every operation over HTTP as a programme manager, a ward manager and an executive, each
with a personal API token (as scripts call it), with generated valid and invalid input. No
response may be a server error or differ from the schema in status code, content type or
body; and no operation may answer a request with no credentials or wrong ones
(``ignored_auth`` replays a successful request both ways).

Bounded so it suits CI: a fixed number of examples per operation and role, derandomised (the
same inputs each run against the same seeded rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from golive.accounts import api_tokens
from golive.models import User
from tests.authz.world import build_world

# The server's threads see only committed rows. Sequences start again at 1, so the small ids
# the generator favours name real objects and detail operations answer 200, not just 404.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

LOGINS = ("pm", "ward.manager", "exec")  # the demo's programme manager, ward manager, executive
EXAMPLES_PER_OPERATION = 10  # for each login: 123 operations x 3 logins x 10


def token_auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Token {secret}"}


def make_token(login: str) -> str:
    """A token for the demo login, as its user would make one (HTTP Basic is refused to the
    programme-wide roles, who need a second factor)."""
    return api_tokens.create_token(user=User.objects.get(username=login), name="Fuzzing", days=1)


@pytest.fixture
def server(live_server: Any, settings: Any) -> str:
    # Every call comes from 127.0.0.1, and the checks replay operations with wrong
    # credentials on purpose: sign-in throttling (tested on its own in
    # tests/golive/test_login_throttle.py) would soon answer them 429 instead of 401/403.
    settings.AXES_FAILURE_LIMIT = 1_000_000
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1_000_000
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 1_000_000
    build_world()
    return str(live_server.url)


def load_schema(server: str, secret: str) -> Any:
    """The schema as the server serves it to the token's user, set up to call as them."""
    loaded = schemathesis.openapi.from_url(
        f"{server}/api/schema/?format=json",
        config=SchemathesisConfig(),  # not whatever schemathesis.toml is lying around
        headers=token_auth(secret),  # the schema is for signed-in users only
        timeout=30,
    )
    # Configured credentials rather than a header added when sending: schemathesis then
    # generates none of its own for the other schemes (a random session cookie, which
    # ignored_auth would blame for the success), and knows which credentials to take away
    # (the tokenAuth scheme's Authorization header).
    loaded.config.update(base_url=server, headers=token_auth(secret))
    return loaded


def ignored_auth_once_per_operation(confirmed: set[str]) -> Callable[..., bool | None]:
    """``ignored_auth``, replaying each operation's first success only, as schemathesis's own
    runner does: whether an operation demands credentials does not depend on the input."""

    def check(ctx: CheckContext, response: Any, case: Any) -> bool | None:
        ctx.auth_enforced_operations = confirmed
        return ignored_auth(ctx, response, case)

    return check


def fuzz(operation: Any, checks: list[Callable[..., bool | None]]) -> None:
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
    @given(case=cases)
    def run(case: Any) -> None:
        case.call_and_validate(checks=checks, timeout=30)

    run()


def test_api_answers_each_role_within_its_schema_refuses_the_unauthenticated_and_never_errs(
    server: str,
) -> None:
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        ignored_auth_once_per_operation(confirmed=set()),
    ]
    failures = []
    for login in LOGINS:
        schema = load_schema(server, make_token(login))
        assert schema.raw_schema["components"]["securitySchemes"].keys() == {
            "basicAuth",
            "cookieAuth",
            "tokenAuth",
        }
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 100
        # ignored_auth passes an operation whose schema says credentials are optional ({}).
        public = [op.label for op in operations if {} in op.definition.raw.get("security", [{}])]
        assert public == []
        for operation in operations:
            try:
                fuzz(operation, checks)
            except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
                failures.append(f"{login} {operation.label}: {str(error)[:1500]}")

    assert failures == [], "\n\n".join(failures)
