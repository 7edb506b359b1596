"""Golive settings, read from the environment (see the configuration table in README.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from golive import config
from golive.env import env_bool, env_int, env_list, env_secret, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GOLIVE_VAR_DIR", str(BASE_DIR / "var")))
# The SQLite file, uploads and beat's schedule live here; create it so a first run just works.
(VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)
ENVIRON = os.environ

# A first run on a laptop works with no configuration; production sets DEBUG=false and must
# then supply real secrets (enforced below).
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_secret(
    "SECRET_KEY",
    required=not DEBUG,
    development_default="golive-development-only-secret-key-not-for-production-use",
    min_length=50,
)
PSEUDONYMISATION_KEY = env_secret(
    "PSEUDONYMISATION_KEY",
    required=not DEBUG,
    development_default="golive-development-only-pseudonymisation-key",
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "golive.apps.GoliveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "mozilla_django_oidc",
    # Second factor for password sign-in: authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Personal API tokens for scripts (issue 16): knox's hashing and checks, Golive's model.
    "knox",
    "golive",
    "readiness",
    "training",
    "champions",
    "adoption",
    "support",
    "administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "golive.middleware.PermissionsPolicyMiddleware",
    # Before anything reads a request body (CSRF reads forms): oversized uploads never spool.
    "golive.uploads.MaxRequestBodyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, tolerant of a busy database when it only renews an unchanged session.
    "golive.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (it leaves one) and before any view: LoginRequiredMiddleware decides in
    # process_view, so a session ended here is sent to sign in.
    "golive.middleware.AbsoluteSessionTimeoutMiddleware",
    # A password sign-in owing its second factor reaches nothing else (after the timeout,
    # so an ended session is sent to sign in rather than to the second-factor step).
    "golive.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "golive.middleware.NoStoreForSignedInMiddleware",
    "golive.middleware.ReadOnlyUsersMiddleware",
    # Last, so it sees the outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "golive.urls"
WSGI_APPLICATION = "golive.wsgi.application"
ASGI_APPLICATION = "golive.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "golive.context_processors.shell",
            ],
        },
    }
]

DATABASES = {"default": config.database_config(ENVIRON, var_dir=VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "golive.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any other backend runs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
_OIDC = config.oidc_config(ENVIRON, debug=DEBUG)
OIDC_ENABLED: bool = _OIDC["OIDC_ENABLED"]
if OIDC_ENABLED:
    globals().update({key: value for key, value in _OIDC.items() if key != "OIDC_ENABLED"})
    AUTHENTICATION_BACKENDS.append("golive.oidc.GoliveOIDCBackend")

# Local (username and password) sign-in; a trust with single sign-on turns it off, leaving
# only superusers with a second factor able to sign in with a password (break-glass).
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
if not LOCAL_LOGIN and not OIDC_ENABLED:
    raise ImproperlyConfigured("LOCAL_LOGIN=false needs single sign-on (OIDC_*) configured.")
OTP_TOTP_ISSUER = "Golive"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"  # used as-is by mozilla-django-oidc

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # OWASP ASVS level 2
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (golive/login_throttle.py). Per (username, address): after this many
# failures the pair is locked out for the cool-off period; the user can still sign in from
# elsewhere. Per address: this many failures from one address, whatever the usernames,
# within the window refuse that address (raise it for a hospital behind one shared address).
# For IPv6 "address" means the client's /64 network, for both rules.
# Installation-wide: this many failures within about a minute pause password sign-in.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt (checked no password) neither counts nor restarts a lock's cool-off, so
# every lock ends on time however often people retry (golive/login_throttle.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_WHITELIST_CALLABLE = "golive.oidc.is_single_sign_on_callback"
AXES_HANDLER = "golive.login_throttle.SignInThrottle"
AXES_LOCKOUT_CALLABLE = "golive.login_throttle.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the per-address count reads it
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
LOGIN_ADDRESS_WINDOW_MINUTES = env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 60, minimum=1)
LOGIN_GLOBAL_FAILURE_LIMIT = env_int("LOGIN_GLOBAL_FAILURE_LIMIT", 100, minimum=1)
LOGIN_FAILURE_LOG_DAYS = env_int("LOGIN_FAILURE_LOG_DAYS", 30, minimum=1)

# Personal API tokens (golive.accounts.api_tokens): hashed at rest by knox, in Golive's own
# model (a name, last use, revocation); knox's stock model is swapped out, so its migrations
# would only make an unused table.
KNOX_TOKEN_MODEL = "golive.ApiToken"  # noqa: S105 - a model name
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # Recognisable to secret scanners (and people) when a token leaks into a repository.
    "TOKEN_PREFIX": "golive_",
    "TOKEN_TTL": None,  # each token's expiry is chosen when it is made
}
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1, maximum=3650)
# Behind a reverse proxy every request comes from the proxy's address; name how many proxies
# append to X-Forwarded-For so throttling sees the user's own address: the entry the
# outermost trusted proxy appended (golive/client_address.py), never one the client sent.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
AXES_CLIENT_IP_CALLABLE = "golive.client_address.request_client_address"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REDIS_URL = config.redis_url(ENVIRON)
CACHES = {
    "default": (
        {
            # Redis unreachable is a cache miss with a warning, not an error page.
            "BACKEND": "golive.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            # A hung Redis must not hold a page for long either.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sessions: an idle timeout that suits a shift, renewed on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
# However active the user, a session ends this long after sign-in (a shift and handover), so a
# ward computer left signed in does not stay signed in for days.
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=72)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: every script and stylesheet is served by Golive itself (vendored),
# none inline, so injected markup cannot run script. Images allow data: URIs because the
# vendored NHS.UK and Swagger UI stylesheets draw icons with them. frame-ancestors repeats
# X-Frame-Options for browsers that only honour CSP.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "golive.api_auth.SessionAuthentication",
        # Personal API tokens ("Authorization: Token ..."), the way scripts sign in.
        "golive.api_auth.TokenAuthentication",
        # Basic sign-in counts towards, and is refused by, sign-in throttling (429).
        "golive.api_auth.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["golive.api_permissions.RoleScopedAccess"],
    "DEFAULT_SCHEMA_CLASS": "golive.schema_hooks.GoliveAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "golive.api_pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "golive.api_errors.structured_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Golive API",
    "DESCRIPTION": "Readiness, training, support and adoption data for EPR go-lives.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["golive.schema_hooks.drop_format_suffix_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "golive.schema_hooks.document_sign_in_throttling",
        "golive.schema_hooks.document_token_refusals",
    ],
}
# Readiness (issue 5): its choice sets share field names ("role", "kind") with other apps'.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),  # type: ignore[dict-item]
    "ReadinessSignOffRoleEnum": "readiness.models.SignOffRole",
    "ReadinessVerdictEnum": "readiness.models.Verdict",
    "ReadinessDomainEnum": "readiness.models.Domain",
    "ReadinessRagEnum": "readiness.models.Rag",
    "ReadinessMilestoneKindEnum": "readiness.models.Milestone.Kind",
    "ReadinessCellLevelEnum": "readiness.models.CommandCell.Level",
    "ReadinessHazardStatusEnum": "readiness.models.Hazard.Status",
    "ReadinessActionStatusEnum": "readiness.models.Action.Status",
    "ReadinessCommsStatusEnum": "readiness.models.CommsItem.Status",
    "ReadinessCommsChannelEnum": "readiness.models.CommsItem.Channel",
    "ReadinessStandDownKindEnum": "readiness.models.StandDownCriterion.Kind",
    "EscalationLevelEnum": "support.models.Escalation.Level",
    # Keep the names these had before readiness added its own "role" and "kind" fields.
    "KindEnum": "adoption.models.ImportKind",
    "RoleEnum": "champions.models.Designation.Kind",
    # People and access (issue 15): a grant's role, and how an invited person signs in.
    "RolesEnum": "golive.models.Role",
    "InvitationKindEnum": "administration.models.Invitation.Kind",
}

# Celery: work is recorded in the database; the broker only carries ids.
CELERY_BROKER_URL = config.celery_broker_url(ENVIRON)
CELERY_RESULT_BACKEND = config.celery_result_backend(ENVIRON, var_dir=VAR_DIR)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = config.filesystem_broker_options(VAR_DIR)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = timedelta(hours=6)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
HEARTBEAT_INTERVAL_SECONDS = env_int("HEARTBEAT_INTERVAL_SECONDS", 30, minimum=5)
HEARTBEAT_MAX_AGE_SECONDS = env_int("HEARTBEAT_MAX_AGE_SECONDS", 120, minimum=10)
WORKER_HEARTBEAT_THREAD = env_bool("WORKER_HEARTBEAT_THREAD", True)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "golive.tasks.record_worker_heartbeat",
        "schedule": float(HEARTBEAT_INTERVAL_SECONDS),
    },
    "prune-sign-in-failure-log": {
        "task": "golive.tasks.prune_sign_in_failure_log",
        "schedule": 24 * 60 * 60.0,
    },
}

# Extract imports (see IMPORT_CONTRACT in the README).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 500, minimum=1) * 1_000_000
IMPORT_ISSUE_CAP = env_int("IMPORT_ISSUE_CAP", 10_000, minimum=100)
# Queued but never picked up, or working but not moving, for this long: stalled.
IMPORT_STALL_SECONDS = env_int("IMPORT_STALL_SECONDS", 600, minimum=30)
# A working batch's worker writes a heartbeat every IMPORT_HEARTBEAT_SECONDS; one silent for
# IMPORT_HEARTBEAT_STALE_SECONDS (at least two beats) is taken for dead, shown so, and
# re-queued by the sweeper. A worker whose batch has not moved for IMPORT_STALL_SECONDS stops
# beating (hung, not dead), so it is re-queued the same way.
IMPORT_HEARTBEAT_SECONDS, IMPORT_HEARTBEAT_STALE_SECONDS = config.import_heartbeat(ENVIRON)
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3, minimum=1, maximum=10)
# How long an interrupted import keeps trying to put itself back in the queue (a restarting
# database) before leaving that to the sweeper.
IMPORT_RELEASE_WAIT_SECONDS = env_int("IMPORT_RELEASE_WAIT_SECONDS", 30, minimum=0, maximum=300)
IMPORT_RETENTION_DAYS = env_int("IMPORT_RETENTION_DAYS", 7, minimum=1)
IMPORT_UPLOAD_DIR = VAR_DIR / "imports" / "files"
IMPORT_WORK_DIR = VAR_DIR / "imports" / "work"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000  # larger uploads stream to a temporary file
# No row of an extract is near this long; a longer line (a few hundred KB of gzip can hold a
# single line of hundreds of MB) is refused as it is read, never held whole.
IMPORT_MAX_LINE_BYTES = env_int("IMPORT_MAX_LINE_KB", 1_000, minimum=16) * 1_000
# Request bodies over this are refused (413) from their Content-Length, before Django reads
# (and spools) them: the largest extract plus room for the form around it. Set the proxy's
# limit (nginx client_max_body_size) to the same.
GOLIVE_MAX_UPLOAD_BYTES = (
    env_int("GOLIVE_MAX_UPLOAD_MB", IMPORT_MAX_BYTES // 1_000_000 + 1, minimum=1) * 1_000_000
)
# Uploads per user per window (every attempt counts, refused ones too), and how long the
# same file, rejected for what only a new file or profile can fix, is refused at upload.
IMPORT_UPLOADS_PER_WINDOW = env_int("IMPORT_UPLOADS_PER_WINDOW", 20, minimum=1)
IMPORT_UPLOAD_WINDOW_SECONDS = env_int("IMPORT_UPLOAD_WINDOW_SECONDS", 600, minimum=10)
IMPORT_REJECTED_REPEAT_SECONDS = env_int("IMPORT_REJECTED_REPEAT_SECONDS", 86_400, minimum=0)
CELERY_BEAT_SCHEDULE["sweep-stalled-imports"] = {
    "task": "adoption.tasks.sweep_stalled_imports",
    "schedule": 30.0,
}
# Training: alerts when training falls behind its trajectory or is forecast to miss.
CELERY_BEAT_SCHEDULE["refresh-training-alerts"] = {
    "task": "training.tasks.refresh_all_training_alerts",
    "schedule": 15 * 60.0,
}
# Service desk: when the live board flags a spike (a category over this share of the last
# hour's tickets, with at least this many; an area with a burst of at least this many at
# this multiple of its usual rate), and the working day for business-hours SLA targets.
SUPPORT_SPIKE_SHARE_PERCENT = env_int("SUPPORT_SPIKE_SHARE_PERCENT", 40, minimum=1, maximum=99)
SUPPORT_SPIKE_MIN_TICKETS = env_int("SUPPORT_SPIKE_MIN_TICKETS", 10, minimum=1)
SUPPORT_BURST_FACTOR = env_int("SUPPORT_BURST_FACTOR", 3, minimum=2, maximum=50)
SUPPORT_BURST_MIN_TICKETS = env_int("SUPPORT_BURST_MIN_TICKETS", 5, minimum=2)
SUPPORT_BUSINESS_OPENS, SUPPORT_BUSINESS_CLOSES, SUPPORT_BUSINESS_DAYS = config.business_hours(
    ENVIRON
)
# Readiness: sit-reps drafted every SITREP_EVERY_HOURS hours through the go-live period.
SITREP_EVERY_HOURS = env_int("SITREP_EVERY_HOURS", 4, minimum=1, maximum=24)
CELERY_BEAT_SCHEDULE["draft-due-sitreps"] = {
    "task": "readiness.tasks.draft_due_sitreps",
    "schedule": 15 * 60.0,
}

# E-mail: escalations, clinical safety concerns and training alerts go to the people who must
# act. A first run prints mail to the console; a trust sets EMAIL_HOST to its relay, or
# EMAIL_BACKEND to another Django backend.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1, maximum=300)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "golive@localhost")
# Where links in e-mails point: the address people open Golive at.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes={"http", "https"})

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL; got {LOG_LEVEL!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "no_query_strings": {"()": "golive.log_filters.DropQueryStrings"},
        "one_line_refusals": {"()": "golive.log_filters.OneLineRefusals"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            # A 403 or other refusal is one line, not a traceback (issue 22, F12).
            "filters": ["one_line_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # runserver's access log: paths, never query strings (search terms).
        "django.server": {
            "handlers": ["console"],
            "filters": ["no_query_strings"],
            "level": "INFO",
            "propagate": False,
        },
        "django.db.backends": {"level": "WARNING"},
        # Django's own console handler would print every error a second time.
        "django": {"handlers": [], "propagate": True},
    },
}
