"""Sessions end when they should: idle and absolute timeouts, a new key at sign-in, sign-out
and deactivation ending them server-side."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.middleware import SESSION_SIGNED_IN_AT_KEY
from tests.conftest import Trust

PASSWORD = "correct-horse-battery"


def sign_in(client: Client, username: str = "wm") -> None:
    # A ward manager: not asked for a second factor (tests/golive/test_second_factor.py).
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def set_signed_in_at(client: Client, hours_ago: float) -> None:
    session = client.session
    session[SESSION_SIGNED_IN_AT_KEY] = (timezone.now() - dt.timedelta(hours=hours_ago)).timestamp()
    session.save()


def assert_sent_to_sign_in(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_pushes_the_idle_expiry_forward(client: Client, trust: Trust) -> None:
    sign_in(client)
    key = session_key(client)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=5)
    )

    assert client.get(reverse("home")).status_code == 200

    expiry = Session.objects.get(session_key=key).expire_date
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert expiry > timezone.now() + idle - dt.timedelta(minutes=1)


def test_session_idle_past_its_expiry_is_sent_to_sign_in(client: Client, trust: Trust) -> None:
    sign_in(client)
    Session.objects.filter(session_key=session_key(client)).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    assert_sent_to_sign_in(client.get(reverse("home")))


def test_idle_timeout_defaults_to_an_hour() -> None:
    assert settings.SESSION_COOKIE_AGE == 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_sign_in_time_is_recorded_on_the_first_signed_in_request(
    client: Client, trust: Trust
) -> None:
    sign_in(client)
    client.get(reverse("home"))

    signed_in_at = client.session[SESSION_SIGNED_IN_AT_KEY]
    assert abs(signed_in_at - timezone.now().timestamp()) < 60


def test_busy_session_still_in_its_absolute_window_carries_on(client: Client, trust: Trust) -> None:
    sign_in(client)
    client.get(reverse("home"))
    set_signed_in_at(client, hours_ago=settings.SESSION_ABSOLUTE_HOURS - 1)

    assert client.get(reverse("home")).status_code == 200


def test_session_past_its_absolute_timeout_is_ended_and_sent_to_sign_in_with_a_message(
    client: Client, trust: Trust
) -> None:
    sign_in(client)
    client.get(reverse("home"))
    old_key = session_key(client)
    set_signed_in_at(client, hours_ago=settings.SESSION_ABSOLUTE_HOURS + 0.1)

    response = client.get(reverse("staff_list"))

    assert_sent_to_sign_in(response)
    assert not Session.objects.filter(session_key=old_key).exists()
    login_page = client.get(response["Location"]).content.decode()
    assert f"{settings.SESSION_ABSOLUTE_HOURS} hours have passed since you signed in" in login_page


def test_absolute_timeout_also_refuses_the_api(client: Client, trust: Trust) -> None:
    sign_in(client)
    client.get(reverse("api-me"))
    set_signed_in_at(client, hours_ago=settings.SESSION_ABSOLUTE_HOURS + 0.1)

    assert client.get(reverse("api-me")).status_code in {401, 403}


def test_absolute_timeout_follows_the_setting(client: Client, trust: Trust, settings: Any) -> None:
    settings.SESSION_ABSOLUTE_HOURS = 2
    sign_in(client)
    client.get(reverse("home"))
    set_signed_in_at(client, hours_ago=3)

    assert_sent_to_sign_in(client.get(reverse("home")))


def test_signing_in_gives_a_new_session_key_and_drops_the_old_one(
    client: Client, trust: Trust
) -> None:
    client.get(reverse("login"))
    session = client.session
    session["before_sign_in"] = True
    session.save()
    before = session_key(client)

    sign_in(client)

    assert session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_is_useless(
    client: Client, trust: Trust
) -> None:
    sign_in(client)
    old_key = session_key(client)

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert_sent_to_sign_in(replay.get(reverse("home")))
    assert replay.get(reverse("api-me")).status_code in {401, 403}


def test_deactivated_user_is_signed_out_on_their_next_request(client: Client, trust: Trust) -> None:
    sign_in(client)
    assert client.get(reverse("home")).status_code == 200

    trust.ward_manager.is_active = False
    trust.ward_manager.save(update_fields=["is_active"])

    assert_sent_to_sign_in(client.get(reverse("home")))
    assert client.get(reverse("api-me")).status_code in {401, 403}


def _database_locked_on_save(monkeypatch: Any) -> None:
    """The session table's write lock stays taken past the busy timeout (SQLite's one writer
    held by a long background transaction)."""
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415
    from django.db import OperationalError  # noqa: PLC0415

    def locked(self: Any, must_create: bool = False) -> None:
        try:
            raise OperationalError("database is locked")
        except OperationalError as error:
            if must_create:
                raise
            # As Django's own save reports a failed update of an existing session.
            from django.contrib.sessions.backends.base import UpdateError  # noqa: PLC0415

            raise UpdateError from error

    monkeypatch.setattr(SessionStore, "save", locked)


def test_a_page_is_served_when_the_database_is_too_busy_to_renew_the_session(
    client: Client, trust: Trust, monkeypatch: Any
) -> None:
    sign_in(client)
    client.get(reverse("home"))  # the first request records the sign-in time
    _database_locked_on_save(monkeypatch)

    response = client.get(reverse("home"))

    assert response.status_code == 200


def test_a_changed_session_that_cannot_be_saved_still_fails_rather_than_being_lost(
    client: Client, trust: Trust, monkeypatch: Any
) -> None:
    sign_in(client)
    client.get(reverse("home"))
    _database_locked_on_save(monkeypatch)
    client.raise_request_exception = False

    response = client.post(reverse("switch_go_live"), {"go_live": trust.wave_1.pk, "next": "/"})

    assert response.status_code == 400
