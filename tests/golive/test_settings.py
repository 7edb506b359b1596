from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler

from golive import config
from golive.env import env_bool, env_int, env_list, env_secret, env_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qv2!mZp9$Lw4^Rt8&Yx1*Nb6(Hc3)Jd5_Fg0+Ae-Uo" * 2,
    "PSEUDONYMISATION_KEY": "p" * 40,
    "ALLOWED_HOSTS": "golive.example.nhs.uk",
}


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("On", True), ("0", False)])
def test_boolean_variables_accept_the_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool("DEBUG", False, environ={"DEBUG": raw}) is expected


def test_boolean_variable_with_a_typo_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", False, environ={"DEBUG": "ture"})


def test_integer_variable_rejects_text_and_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES must be a whole number"):
        env_int("SESSION_IDLE_MINUTES", 60, environ={"SESSION_IDLE_MINUTES": "an hour"})


def test_integer_variable_below_its_minimum_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="at least 5"):
        env_int("SESSION_IDLE_MINUTES", 60, minimum=5, environ={"SESSION_IDLE_MINUTES": "1"})


def test_list_variable_splits_on_commas_and_drops_blanks() -> None:
    value = env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.nhs.uk, b.nhs.uk,,"})

    assert value == ["a.nhs.uk", "b.nhs.uk"]


def test_url_variable_with_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a URL"):
        env_url("DATABASE_URL", "", schemes={"postgres"}, environ={"DATABASE_URL": "mysql://x"})


def test_secret_is_required_when_debug_is_off() -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is off"):
        env_secret("SECRET_KEY", required=True, development_default="dev", environ={})


def test_short_secret_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="at least 50 characters"):
        env_secret(
            "SECRET_KEY",
            required=True,
            development_default="dev",
            min_length=50,
            environ={"SECRET_KEY": "short"},
        )


def test_published_development_secret_is_refused_in_production() -> None:
    with pytest.raises(ImproperlyConfigured, match="published development value"):
        env_secret(
            "SECRET_KEY",
            required=True,
            development_default="dev",
            min_length=1,
            environ={"SECRET_KEY": "dev"},
        )


def test_sso_endpoints_must_use_https_in_production() -> None:
    environ = {
        "OIDC_RP_CLIENT_ID": "golive",
        "OIDC_RP_CLIENT_SECRET": "s",
        **dict.fromkeys(config.OIDC_ENDPOINT_VARIABLES, "http://idp.example/x"),
    }

    with pytest.raises(ImproperlyConfigured, match="https"):
        config.oidc_config(environ, debug=False)


def test_result_backend_with_an_unknown_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="CELERY_RESULT_BACKEND"):
        config.celery_result_backend({"CELERY_RESULT_BACKEND": "bogus"}, var_dir=tmp_path)


def test_an_import_heartbeat_staleness_under_two_beats_is_refused_naming_the_variables() -> None:
    environ = {"IMPORT_HEARTBEAT_SECONDS": "30", "IMPORT_HEARTBEAT_STALE_SECONDS": "45"}

    with pytest.raises(
        ImproperlyConfigured,
        match=r"IMPORT_HEARTBEAT_STALE_SECONDS must be at least twice IMPORT_HEARTBEAT_SECONDS "
        r"\(60\); got 45",
    ):
        config.import_heartbeat(environ)


def test_an_import_heartbeat_staleness_of_two_beats_or_more_is_accepted() -> None:
    environ = {"IMPORT_HEARTBEAT_SECONDS": "30", "IMPORT_HEARTBEAT_STALE_SECONDS": "60"}

    assert config.import_heartbeat(environ) == (30, 60)
    assert config.import_heartbeat({}) == (10, 60)


def test_development_secret_is_used_only_for_a_first_run() -> None:
    assert env_secret("SECRET_KEY", required=False, development_default="dev", environ={}) == "dev"


def test_database_defaults_to_sqlite_under_var(tmp_path: Path) -> None:
    database = config.database_config({}, var_dir=tmp_path)

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "golive.sqlite3")


def test_the_sqlite_default_opens_its_file_in_write_ahead_mode(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    # WAL: pages keep reading while a worker writes (see golive/config.py SQLITE_OPTIONS).
    handler = ConnectionHandler({"default": config.database_config({}, var_dir=tmp_path)})
    try:
        with django_db_blocker.unblock(), handler["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
    finally:
        handler.close_all()

    assert mode == "wal"


def test_postgresql_url_gets_persistent_connections(tmp_path: Path) -> None:
    database = config.database_config(
        {"DATABASE_URL": "postgresql://golive@db:5432/golive", "DATABASE_CONN_MAX_AGE": "120"},
        var_dir=tmp_path,
    )

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 120
    assert database["CONN_HEALTH_CHECKS"] is True


def test_postgresql_connections_turn_jit_off_unless_asked_for(tmp_path: Path) -> None:
    url = "postgresql://golive@db:5432/golive"
    default = config.database_config({"DATABASE_URL": url}, var_dir=tmp_path)
    asked = config.database_config({"DATABASE_URL": url, "DATABASE_JIT": "true"}, var_dir=tmp_path)

    assert default["OPTIONS"]["options"] == "-c jit=off"
    assert "options" not in asked.get("OPTIONS", {})


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_live_database_connection_runs_without_jit() -> None:
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_broker_is_redis_when_redis_url_is_set() -> None:
    assert config.celery_broker_url({"REDIS_URL": "redis://r:6379/0"}) == "redis://r:6379/0"


def test_broker_needs_no_server_by_default() -> None:
    assert config.celery_broker_url({}) == "filesystem://"


def test_sso_is_off_without_a_client_id() -> None:
    assert config.oidc_config({}, debug=True) == {"OIDC_ENABLED": False}


def test_half_configured_sso_lists_every_missing_variable() -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        config.oidc_config(
            {"OIDC_RP_CLIENT_ID": "golive", "OIDC_OP_ISSUER": "https://idp"}, debug=True
        )

    message = str(raised.value)
    assert "OIDC_RP_CLIENT_SECRET" in message
    assert "OIDC_OP_TOKEN_ENDPOINT" in message
    assert "OIDC_OP_ISSUER" not in message


def test_sso_refuses_a_symmetric_signing_algorithm() -> None:
    environ = {
        "OIDC_RP_CLIENT_ID": "golive",
        "OIDC_RP_CLIENT_SECRET": "s",
        "OIDC_RP_SIGN_ALGO": "HS256",
        **dict.fromkeys(config.OIDC_ENDPOINT_VARIABLES, "https://idp.example/x"),
    }

    with pytest.raises(ImproperlyConfigured, match="OIDC_RP_SIGN_ALGO"):
        config.oidc_config(environ, debug=True)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bad_environment_value_stops_start_up_naming_the_variable() -> None:
    result = _manage("check", env={"SESSION_IDLE_MINUTES": "soon"})

    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


def test_postgresql_can_use_psycopgs_connection_pool(tmp_path: Path) -> None:
    database = config.database_config(
        {
            "DATABASE_URL": "postgresql://golive@db:5432/golive?sslmode=require",
            "DATABASE_POOL": "true",
        },
        var_dir=tmp_path,
    )

    assert database["OPTIONS"] == {"sslmode": "require", "pool": True, "options": "-c jit=off"}
    assert database["CONN_MAX_AGE"] == 0
