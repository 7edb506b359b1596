"""Shared fixtures. Tests that need PostgreSQL, Redis or Chromium are skipped with a clear
message when those are absent, unless GOLIVE_REQUIRE_SERVICES=1 (set by CI), which turns
each such skip into a failure."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + live_server

REQUIRE_SERVICES = os.environ.get("GOLIVE_REQUIRE_SERVICES", "") == "1"
CHROMIUM = os.environ.get("GOLIVE_CHROMIUM", "/usr/bin/chromium")


def _missing_services() -> dict[str, str]:
    missing = {}
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing["postgres"] = "needs PostgreSQL: set DATABASE_URL=postgresql://..."
    if not settings.REDIS_URL:
        missing["redis"] = "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
    if not shutil.which(CHROMIUM):
        missing["browser"] = f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return missing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _missing_services()
    for item in items:
        for marker, reason in missing.items():
            if item.get_closest_marker(marker) is None:
                continue
            if REQUIRE_SERVICES:
                item.add_marker(pytest.mark.usefixtures("_fail_missing_service"))
                item.user_properties.append(("missing_service", reason))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def _fail_missing_service(request: pytest.FixtureRequest) -> None:
    reasons = [value for key, value in request.node.user_properties if key == "missing_service"]
    pytest.fail("GOLIVE_REQUIRE_SERVICES=1 but this test " + "; ".join(reasons))


@pytest.fixture(scope="session", autouse=True)
def _required_database_is_postgresql(django_db_setup: None, django_db_blocker: Any) -> None:
    """In CI every test must run on PostgreSQL, not just the ones marked for it."""
    if REQUIRE_SERVICES:
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", (
                "GOLIVE_REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL"
            )


@pytest.fixture(autouse=True)
def _isolated_cache() -> Iterator[None]:
    """Login throttling and other cached state must not leak between tests."""
    from django.core.cache import cache  # noqa: PLC0415

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class Trust:
    """A small trust: two sites, three wards, two go-lives, staff on each ward, and a user
    for the roles most tests need."""

    def __init__(self) -> None:
        from golive.models import Role  # noqa: PLC0415
        from tests import factories as f  # noqa: PLC0415

        self.organisation = f.OrganisationFactory(ods_code="RT1", name="Test Hospitals Trust")
        north = f.SiteFactory(organisation=self.organisation, name="North Hospital", code="N")
        south = f.SiteFactory(organisation=self.organisation, name="South Hospital", code="S")
        self.ward_a = f.AreaFactory(site=north, code="WA", name="Ward A")
        self.ward_b = f.AreaFactory(site=north, code="WB", name="Ward B")
        self.ward_c = f.AreaFactory(site=south, code="WC", name="Ward C")
        self.programme = f.ProgrammeFactory(organisation=self.organisation, name="EPR")
        self.wave_1 = f.GoLiveFactory(
            programme=self.programme, name="Wave 1", areas=[self.ward_a, self.ward_b]
        )
        self.wave_2 = f.GoLiveFactory(
            programme=self.programme,
            name="Wave 2",
            areas=[self.ward_a, self.ward_c],
            user_go_live_date=self.wave_1.user_go_live_date + dt.timedelta(days=60),
        )
        self.staff_a = f.StaffMemberFactory(
            organisation=self.organisation, full_name="Alice Ward-A", areas=[self.ward_a]
        )
        self.staff_b = f.StaffMemberFactory(
            organisation=self.organisation, full_name="Bob Ward-B", areas=[self.ward_b]
        )
        self.staff_c = f.StaffMemberFactory(
            organisation=self.organisation, full_name="Carol Ward-C", areas=[self.ward_c]
        )
        self.programme_manager = f.UserFactory(username="pm")
        f.grant(self.programme_manager, Role.PROGRAMME_MANAGER, self.programme)
        self.ward_manager = f.UserFactory(username="wm")
        f.grant(self.ward_manager, Role.WARD_MANAGER, self.programme, [self.ward_a])
        self.executive = f.UserFactory(username="exec")
        f.grant(self.executive, Role.EXECUTIVE, self.programme)
        self.champion = f.UserFactory(username="champ")
        f.grant(self.champion, Role.CHAMPION, self.programme, [self.ward_a])
        self.outsider = f.UserFactory(username="outsider")


@pytest.fixture
def trust(db: None) -> Trust:
    return Trust()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Production hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


EVENTS_HEADER = "event_id,occurred_at,event_type,order_type,user_id,role,area,patient_id"


@pytest.fixture
def import_file(trust: Trust, settings: Any, tmp_path: Any) -> Any:
    """Upload ``content`` as ``user`` (the programme manager by default) and run the batch
    in-process, as a worker would; returns the batch as it ended."""
    import io  # noqa: PLC0415

    from adoption.imports import pipeline, services  # noqa: PLC0415

    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"

    def run(
        content: str | bytes,
        *,
        kind: str = "events",
        profile: str = "golive-events",
        user: Any = None,
        file_name: str = "extract.csv",
        **options: Any,  # dry_run, correction, mark_leavers
    ) -> Any:
        data = content.encode() if isinstance(content, str) else content
        batch = services.create_import_batch(
            user=user or trust.programme_manager,
            programme=trust.programme,
            kind=kind,
            profile_name=profile
            if kind == "events" or profile != "golive-events"
            else f"golive-{kind}",
            upload=io.BytesIO(data),
            file_name=file_name,
            **options,
        )
        pipeline.run(batch.pk)
        batch.refresh_from_db()
        return batch

    return run


@pytest.fixture(scope="session")
def realdata() -> Any:
    """The shared real public data sets (../shared/realdata); tests using them skip without."""
    from pathlib import Path  # noqa: PLC0415

    candidates = [
        os.environ.get("GOLIVE_REALDATA_DIR", ""),
        str(Path(__file__).resolve().parents[2] / "shared" / "realdata"),
        "/work/shared/realdata",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "mimic3_demo" / "CAREGIVERS.csv").exists():
            return Path(candidate)
    pytest.skip("needs ../shared/realdata (set GOLIVE_REALDATA_DIR)")
