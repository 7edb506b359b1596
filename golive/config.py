"""Builders that turn environment variables into Django and Celery settings.

They take the environment as a mapping so tests can exercise every branch without
reloading the settings module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from golive.env import env_bool, env_int, env_list, env_str, env_url

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
REDIS_SCHEMES = {"redis", "rediss"}
BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory"}
RESULT_SCHEMES = {"redis", "rediss", "file", "cache"}

OIDC_ENDPOINT_VARIABLES = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


def database_config(environ: Mapping[str, str], *, var_dir: Path) -> dict[str, Any]:
    """The ``default`` database from ``DATABASE_URL`` (SQLite under ``var/`` when unset)."""
    default_url = f"sqlite:///{var_dir / 'golive.sqlite3'}"
    url = env_url("DATABASE_URL", default_url, schemes=DATABASE_SCHEMES, environ=environ)
    conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0, environ=environ)
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        if env_bool("DATABASE_POOL", False, environ=environ):
            # psycopg's pool, managed by Django; it replaces persistent connections.
            config["CONN_MAX_AGE"] = 0
            config.setdefault("OPTIONS", {})["pool"] = True
        else:
            # Persistent connections: measured at ~5x the throughput of a new one per request.
            config["CONN_MAX_AGE"] = conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
        if not env_bool("DATABASE_JIT", False, environ=environ):
            # PostgreSQL's JIT compiles a query whose estimated cost is high; for the
            # dashboards' correlated subqueries that took longer than running them (measured:
            # the readiness board's training query 880 ms with JIT, 289 ms without).
            options = config.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. .../golive.")
    else:
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


# The embedded default serves pages while a worker imports and rolls up in the same file.
# WAL lets readers carry on beside the one writer (rollback journaling blocks them while it
# commits); NORMAL sync is what WAL is designed for (a power cut may lose the last commits,
# never corrupt the file). Writers wait up to ``timeout`` seconds for the lock rather than
# failing, and take it when their transaction begins (IMMEDIATE), so two writers never
# deadlock upgrading read locks. Background work keeps its transactions short, so the wait
# is a fraction of a second.
SQLITE_OPTIONS: dict[str, Any] = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def redis_url(environ: Mapping[str, str]) -> str:
    return env_url("REDIS_URL", "", schemes=REDIS_SCHEMES, environ=environ)


def celery_broker_url(environ: Mapping[str, str]) -> str:
    """Redis when configured; otherwise kombu's filesystem transport, which needs no server."""
    fallback = redis_url(environ) or "filesystem://"
    return env_url("CELERY_BROKER_URL", fallback, schemes=BROKER_SCHEMES, environ=environ)


def celery_result_backend(environ: Mapping[str, str], *, var_dir: Path) -> str:
    fallback = redis_url(environ) or f"file://{var_dir / 'celery' / 'results'}"
    return env_url("CELERY_RESULT_BACKEND", fallback, schemes=RESULT_SCHEMES, environ=environ)


def filesystem_broker_options(var_dir: Path) -> dict[str, Any]:
    """Folders for kombu's filesystem transport, created here because kombu requires them."""
    queue_dir = var_dir / "celery" / "queue"
    processed_dir = var_dir / "celery" / "processed"
    control_dir = var_dir / "celery" / "control"
    for folder in (queue_dir, processed_dir, control_dir, var_dir / "celery" / "results"):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        # Without this kombu writes its broadcast files into the current directory.
        "control_folder": str(control_dir),
        "store_processed": False,
    }


def oidc_config(environ: Mapping[str, str], *, debug: bool) -> dict[str, Any]:
    """OpenID Connect settings; SSO is on when ``OIDC_RP_CLIENT_ID`` is set.

    Once it is on, every endpoint and the client secret are required, so a half-configured
    provider is refused at start-up rather than failing at a user's first sign-in.
    """
    client_id = env_str("OIDC_RP_CLIENT_ID", environ=environ)
    if not client_id:
        return {"OIDC_ENABLED": False}
    missing = [
        name
        for name in ("OIDC_RP_CLIENT_SECRET", *OIDC_ENDPOINT_VARIABLES)
        if not env_str(name, environ=environ)
    ]
    if missing:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so these must be set too: " + ", ".join(missing) + "."
        )
    # Plain HTTP only for a local test provider; tokens must not cross a network unencrypted.
    schemes = {"https", "http"} if debug else {"https"}
    endpoints = {
        name: env_url(name, "", schemes=schemes, environ=environ)
        for name in OIDC_ENDPOINT_VARIABLES
    }
    algorithm = env_str("OIDC_RP_SIGN_ALGO", "RS256", environ=environ)
    if algorithm not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}:
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO must be an asymmetric algorithm such as RS256; got {algorithm!r}."
        )
    return {
        "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env_str("OIDC_RP_CLIENT_SECRET", environ=environ),
        "OIDC_RP_SIGN_ALGO": algorithm,
        "OIDC_RP_SCOPES": env_str("OIDC_RP_SCOPES", "openid email profile", environ=environ),
        "OIDC_CREATE_USER": env_bool("OIDC_CREATE_USER", True, environ=environ),
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1, environ=environ),
        **endpoints,
    }


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def business_hours(environ: Mapping[str, str]) -> tuple[dt.time, dt.time, list[int]]:
    """The service desk's working day, for SLA targets that run in business hours only:
    ``SUPPORT_BUSINESS_HOURS`` as ``HH:MM-HH:MM`` local time (default 08:00-18:00) and
    ``SUPPORT_BUSINESS_DAYS`` as day names (default mon,tue,wed,thu,fri). Returns opening
    and closing times and the weekday numbers (0 = Monday)."""
    text = env_str("SUPPORT_BUSINESS_HOURS", "08:00-18:00", environ=environ)
    try:
        opens_text, closes_text = text.split("-")
        opens = dt.time.fromisoformat(opens_text.strip())
        closes = dt.time.fromisoformat(closes_text.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"SUPPORT_BUSINESS_HOURS must look like 08:00-18:00; got {text!r}."
        ) from None
    if closes <= opens:
        raise ImproperlyConfigured(
            f"SUPPORT_BUSINESS_HOURS must close after it opens; got {text!r}."
        )
    names = env_list("SUPPORT_BUSINESS_DAYS", list(WEEKDAYS[:5]), environ=environ)
    unknown = [name for name in names if name.lower()[:3] not in WEEKDAYS]
    if unknown or not names:
        raise ImproperlyConfigured(
            "SUPPORT_BUSINESS_DAYS must list days such as mon,tue,wed,thu,fri; "
            f"got {', '.join(unknown) or 'none'}."
        )
    days = sorted({WEEKDAYS.index(name.lower()[:3]) for name in names})
    return opens, closes, days


def import_heartbeat(environ: Mapping[str, str]) -> tuple[int, int]:
    """How often a working import batch's worker writes its heartbeat
    (``IMPORT_HEARTBEAT_SECONDS``) and how old a heartbeat must be for the batch to be taken
    for stopped (``IMPORT_HEARTBEAT_STALE_SECONDS``). The second must cover at least two
    beats, or one late beat (a busy database) would re-queue a batch that is working."""
    interval = env_int("IMPORT_HEARTBEAT_SECONDS", 10, minimum=1, maximum=60, environ=environ)
    stale = env_int("IMPORT_HEARTBEAT_STALE_SECONDS", 60, minimum=15, environ=environ)
    if stale < 2 * interval:
        raise ImproperlyConfigured(
            "IMPORT_HEARTBEAT_STALE_SECONDS must be at least twice IMPORT_HEARTBEAT_SECONDS "
            f"({2 * interval}); got {stale}."
        )
    return interval, stale
