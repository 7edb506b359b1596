"""The API does what its schema says (issue 22, F12): request types as strict as published,
every error answer documented, the caller identified before the body is read; and the
responses' own honesty: refusals logged as one line, a Permissions-Policy, no server banner."""

from __future__ import annotations

import base64
import io
import logging
import logging.config
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework import serializers

from golive.log_filters import OneLineRefusals
from golive.middleware import PERMISSIONS_POLICY
from tests.conftest import Trust

ROOT = Path(__file__).resolve().parents[2]
ERROR_REF = "#/components/schemas/Error"
CSRF_SECRET = "a" * 32


class Sample(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField()
    amount = serializers.DecimalField(max_digits=5, decimal_places=1)
    colour = serializers.ChoiceField(choices=[("1", "One"), ("red", "Red")])


VALID = {"name": "Ward 7", "count": 3, "share": 0.5, "amount": "1.5", "colour": "red"}


def test_a_valid_body_is_still_accepted() -> None:
    assert Sample(data=VALID).is_valid()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 0),
        ("name", 1.5),
        ("name", True),
        ("count", False),
        ("share", False),
        ("amount", True),
        ("colour", 1),
    ],
)
def test_a_field_refuses_a_value_of_another_json_type(field: str, value: Any) -> None:
    sample = Sample(data={**VALID, field: value})

    assert not sample.is_valid()
    assert field in sample.errors


def test_numbers_and_choices_given_as_query_text_are_still_read() -> None:
    sample = Sample(data={**VALID, "count": "3", "share": "0.5", "colour": "1"})

    assert sample.is_valid(), sample.errors


# The schema.


@pytest.fixture
def schema(client: Client, trust: Trust) -> dict[str, Any]:
    client.force_login(trust.programme_manager)
    document: dict[str, Any] = client.get("/api/schema/", {"format": "json"}).json()
    return document


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), operation


def _documents_error(operation: dict[str, Any], code: str) -> bool:
    response = operation["responses"].get(code)
    if response is None:
        return False
    return response["content"]["application/json"]["schema"]["$ref"] == ERROR_REF


def test_every_write_operation_documents_its_400_in_the_error_shape(
    schema: dict[str, Any],
) -> None:
    missing = [
        f"{method} {path}"
        for path, method, operation in _operations(schema)
        if method in ("POST", "PUT", "PATCH") and not _documents_error(operation, "400")
    ]

    assert not missing


def test_every_operation_documents_its_403_and_those_naming_an_object_their_404(
    schema: dict[str, Any],
) -> None:
    missing = [
        f"{method} {path} {code}"
        for path, method, operation in _operations(schema)
        for code in ("403", "404" if "{" in path else "403")
        if not _documents_error(operation, code)
    ]

    assert not missing


def test_an_operation_with_a_body_documents_the_415_for_a_body_it_does_not_read(
    schema: dict[str, Any],
) -> None:
    upload = schema["paths"]["/api/v1/imports/"]["post"]

    assert _documents_error(upload, "415")


def test_a_documented_conflict_is_kept(schema: dict[str, Any]) -> None:
    upload = schema["paths"]["/api/v1/imports/"]["post"]

    assert "ALREADY_IMPORTED" in upload["responses"]["409"]["description"]


# Who the caller is comes before what the body is.

IMPORT_WRITES = ("/api/v1/imports/", "/api/v1/imports/1/commit-valid-rows/")


@pytest.mark.parametrize("url", IMPORT_WRITES)
def test_json_from_a_caller_with_wrong_credentials_is_refused_as_unauthenticated_not_415(
    client: Client, trust: Trust, url: str
) -> None:
    credentials = base64.b64encode(b"pm:not-the-password").decode()

    response = client.post(
        url,
        '{"kind": "events"}',
        content_type="application/json",
        headers={"Authorization": f"Basic {credentials}"},
    )

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize("url", IMPORT_WRITES)
def test_json_from_a_signed_in_user_who_may_not_import_is_refused_403_not_415(
    trust: Trust, url: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.champion)
    client.cookies["csrftoken"] = CSRF_SECRET

    response = client.post(
        url,
        '{"kind": "events"}',
        content_type="application/json",
        headers={"X-CSRFToken": CSRF_SECRET},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_json_from_a_user_who_may_import_is_refused_as_the_wrong_body_type(
    trust: Trust,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.programme_manager)
    client.cookies["csrftoken"] = CSRF_SECRET

    response = client.post(
        "/api/v1/imports/",
        '{"kind": "events"}',
        content_type="application/json",
        headers={"X-CSRFToken": CSRF_SECRET},
    )

    assert response.status_code == 415


def test_the_session_csrf_check_still_refuses_a_post_without_a_token(trust: Trust) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.programme_manager)

    response = client.post("/api/v1/imports/", {"kind": "events"})

    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


# Logs and headers.


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the settings' console handler writes, while the test runs."""
    # A Celery worker started by an earlier test may have replaced the root handlers: the
    # settings' logging is what is under test, so put it back first.
    logging.config.dictConfig(settings.LOGGING)
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, OneLineRefusals) for f in handler.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    captured = io.StringIO()
    previous = handler.setStream(captured)
    yield captured
    handler.setStream(previous)


def test_a_refused_page_is_logged_as_one_line_without_a_traceback(
    client: Client, trust: Trust, console: io.StringIO
) -> None:
    client.force_login(trust.champion)

    response = client.get("/staff/")

    assert response.status_code == 403
    logged = console.getvalue()
    assert "Forbidden" in logged
    assert "/staff/" in logged
    assert "Traceback" not in logged


def test_a_server_error_keeps_its_traceback_in_the_log(console: io.StringIO) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").exception(
            "Internal Server Error: /x", extra={"status_code": 500}
        )

    assert "Traceback" in console.getvalue()


@pytest.mark.parametrize("url", ["/", "/staff/", "/api/v1/areas/", "/no-such-page/"])
def test_every_response_carries_a_permissions_policy(
    client: Client, trust: Trust, url: str
) -> None:
    client.force_login(trust.programme_manager)

    response = client.get(url)

    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY
    assert "geolocation=()" in PERMISSIONS_POLICY


def test_a_signed_out_redirect_carries_a_permissions_policy(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert "Permissions-Policy" in response


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_response(url: str, server: subprocess.Popen[bytes]) -> Any:
    deadline = time.monotonic() + 60  # a boot deadline, not a timing assertion
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return urllib.request.urlopen(url, timeout=10)
        except urllib.error.HTTPError as answered:
            return answered
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def test_gunicorn_started_from_the_project_sends_no_server_banner() -> None:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(gunicorn), "golive.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "WEB_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = _first_response(f"http://127.0.0.1:{port}/healthz", server)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert response.headers.get("Server") is None
    assert response.headers.get("Date") is not None  # gunicorn's other headers are kept
