"""Personal API tokens (issue 16): how scripts sign in to the API, scoped as their user,
hashed at rest, expiring and revocable, made only from a fully signed-in session; and
Basic sign-in refused to those who need a second factor."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.crypto import hash_token

from golive.accounts import api_tokens
from golive.demo import DEMO_TOKEN_LOGIN, DEMO_TOKEN_NAME, seed_demo
from golive.models import ApiToken, User
from tests import factories as f
from tests.conftest import Trust
from tests.golive.test_second_factor import PASSWORD, SET_UP, password_sign_in

TOKENS = "/accounts/api-tokens/"
NEW = "/accounts/api-tokens/new/"


def make_token(user: User, **kwargs: Any) -> str:
    return api_tokens.create_token(
        user=user, name=kwargs.pop("name", "Nightly export"), days=kwargs.pop("days", 30), **kwargs
    )


def token_header(secret: str) -> dict[str, str]:
    return {"Authorization": f"Token {secret}"}


def basic_header(username: str) -> dict[str, str]:
    credentials = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


# Signing in to the API with a token.


def test_a_ward_managers_token_sees_only_their_wards(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)

    response = Client().get("/api/v1/areas/", headers=token_header(secret))

    assert response.status_code == 200
    assert [area["code"] for area in response.json()["results"]] == ["WA"]


def test_a_programme_managers_token_calls_the_api_though_basic_is_refused_them(
    trust: Trust,
) -> None:
    secret = make_token(trust.programme_manager)

    response = Client().get("/api/v1/areas/", headers=token_header(secret))

    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_an_expired_token_is_refused_401_saying_it_expired(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)
    ApiToken.objects.update(expiry=timezone.now() - dt.timedelta(minutes=1))

    response = Client().get("/api/v1/areas/", headers=token_header(secret))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "token_expired"
    assert "/accounts/api-tokens/" in response.json()["message"]


def test_a_revoked_token_is_refused_401_saying_it_was_revoked(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)
    api_tokens.revoke_token(token_id=ApiToken.objects.get().pk, by=trust.ward_manager)

    response = Client().get("/api/v1/areas/", headers=token_header(secret))

    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_an_unknown_token_is_refused_401_in_the_error_shape(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)

    response = Client().get("/api/v1/areas/", headers=token_header(secret[:-1] + "0"))

    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}
    assert response.json()["code"] == "token_invalid"


def test_a_deactivated_users_token_is_refused(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)
    User.objects.filter(pk=trust.ward_manager.pk).update(is_active=False)

    response = Client().get("/api/v1/areas/", headers=token_header(secret))

    assert response.status_code == 401


def test_a_read_only_token_is_refused_a_write_whatever_the_role(trust: Trust) -> None:
    secret = make_token(trust.programme_manager, read_only=True)

    response = Client().post(
        "/api/v1/staff/",
        {"full_name": "New"},
        content_type="application/json",
        headers=token_header(secret),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"


def test_a_read_only_token_may_read(trust: Trust) -> None:
    secret = make_token(trust.ward_manager, read_only=True)

    assert Client().get("/api/v1/areas/", headers=token_header(secret)).status_code == 200


def test_the_secret_is_kept_only_as_a_hash(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)

    token = ApiToken.objects.get()
    assert token.digest == hash_token(secret)
    with connection.cursor() as cursor:
        for table in ("golive_apitoken", "golive_historicalapitoken"):
            cursor.execute(
                f"SELECT count(*) FROM {table} t WHERE strpos(row_to_json(t)::text, %s) > 0",  # noqa: S608
                [secret],
            )
            assert cursor.fetchone() == (0,)


def test_last_use_is_written_at_most_once_a_minute(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)
    recently = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.update(last_used=recently)

    Client().get("/api/v1/areas/", headers=token_header(secret))
    assert ApiToken.objects.get().last_used == recently

    ApiToken.objects.update(last_used=recently - dt.timedelta(minutes=1))
    Client().get("/api/v1/areas/", headers=token_header(secret))
    assert ApiToken.objects.get().last_used > recently


# Basic sign-in.


def test_basic_sign_in_is_refused_to_a_programme_wide_user_pointing_to_tokens(
    trust: Trust,
) -> None:
    response = Client().get("/api/v1/areas/", headers=basic_header("pm"))

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "api_token_required"
    assert "http://testserver/accounts/api-tokens/" in body["message"]


def test_basic_sign_in_is_refused_to_a_superuser(db: None) -> None:
    f.UserFactory(username="root", is_superuser=True, is_staff=True)

    response = Client().get("/api/v1/areas/", headers=basic_header("root"))

    assert response.json()["code"] == "api_token_required"


def test_basic_sign_in_still_works_for_a_ward_manager(trust: Trust) -> None:
    response = Client().get("/api/v1/areas/", headers=basic_header("wm"))

    assert response.status_code == 200


# The pages.


def test_creating_a_token_shows_its_secret_once_and_it_works(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(NEW, {"name": "Nightly LMS export script", "days": "30"})

    assert response.status_code == 200
    secret = response.context["secret"]
    assert f"Authorization: Token {secret}" in response.content.decode()
    token = ApiToken.objects.get(user=trust.ward_manager)
    assert token.name == "Nightly LMS export script"
    assert (token.expiry - timezone.now()).days == 29
    assert Client().get("/api/v1/areas/", headers=token_header(secret)).status_code == 200
    listing = client.get(TOKENS).content.decode()
    assert "Nightly LMS export script" in listing
    assert secret not in listing
    assert token.token_key not in listing


def test_the_form_refuses_a_blank_name_and_a_lifetime_over_the_maximum(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.API_TOKEN_MAX_DAYS = 30
    client.force_login(trust.ward_manager)

    response = client.post(NEW, {"name": "", "days": "365"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Enter a name for the token."],
        "days": ["Choose one of the lifetimes shown."],
    }
    assert "There is a problem" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_service_refuses_a_lifetime_over_the_maximum(trust: Trust, settings: Any) -> None:
    settings.API_TOKEN_MAX_DAYS = 30

    with pytest.raises(Exception, match="at most 30 days"):
        make_token(trust.ward_manager, days=31)


def test_a_session_owing_its_second_factor_cannot_create_a_token(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "pm")

    response = client.post(NEW, {"name": "Sneaky", "days": "30"})

    assert response.status_code == 302
    assert response["Location"].startswith(SET_UP)
    assert not ApiToken.objects.exists()


def test_an_executive_read_only_elsewhere_may_create_a_token(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.post(NEW, {"name": "Board pack", "days": "30", "read_only": "on"})

    assert response.status_code == 200
    assert ApiToken.objects.get(user=trust.executive).read_only


def test_revoking_asks_first_then_revokes(client: Client, trust: Trust) -> None:
    make_token(trust.ward_manager)
    token = ApiToken.objects.get()
    client.force_login(trust.ward_manager)
    url = f"{TOKENS}{token.pk}/revoke/"

    assert client.get(url).status_code == 200
    assert ApiToken.objects.get().revoked_at is None
    response = client.post(url)

    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert "Revoked" in client.get(TOKENS).content.decode()


def test_another_users_token_cannot_be_revoked(client: Client, trust: Trust) -> None:
    make_token(trust.programme_manager)
    token = ApiToken.objects.get()
    client.force_login(trust.ward_manager)

    response = client.post(f"{TOKENS}{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_token_list_shows_only_ones_own_tokens(client: Client, trust: Trust) -> None:
    make_token(trust.programme_manager, name="The programme's export")
    make_token(trust.ward_manager, name="My ward's export")
    client.force_login(trust.ward_manager)

    body = client.get(TOKENS).content.decode()

    assert "My ward&#x27;s export" in body
    assert "programme&#x27;s export" not in body


@pytest.mark.parametrize("path", [TOKENS, NEW, f"{TOKENS}1/revoke/"])
def test_anonymous_is_sent_to_sign_in_from_the_token_pages(db: None, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_token_cannot_make_another_token(trust: Trust) -> None:
    secret = make_token(trust.ward_manager)

    response = Client().post(NEW, {"name": "Child", "days": "30"}, headers=token_header(secret))

    assert response.status_code == 302
    assert ApiToken.objects.count() == 1


def test_the_account_page_links_to_api_tokens(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    assert f'href="{TOKENS}"' in client.get("/accounts/").content.decode()


# Record, administration, schema, demo.


def test_making_and_revoking_a_token_is_logged_and_kept_without_the_secret(
    trust: Trust, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="golive.accounts.api_tokens"):
        secret = make_token(trust.ward_manager)
        token = ApiToken.objects.get()
        api_tokens.revoke_token(token_id=token.pk, by=trust.programme_manager)

    messages = [record.getMessage() for record in caplog.records]
    assert messages[0].startswith(f"API token {token.pk} made by user {trust.ward_manager.pk}")
    assert messages[1] == (
        f"API token {token.pk} of user {trust.ward_manager.pk} revoked by user "
        f"{trust.programme_manager.pk}"
    )
    assert secret not in caplog.text
    changes = token.history.order_by("history_id")  # type: ignore[attr-defined]
    assert [c.history_type for c in changes] == ["+", "~"]
    assert changes.last().history_user == trust.programme_manager


def test_revoking_twice_changes_nothing_the_second_time(trust: Trust) -> None:
    make_token(trust.ward_manager)
    token_id = ApiToken.objects.get().pk

    assert api_tokens.revoke_token(token_id=token_id, by=trust.ward_manager)
    assert not api_tokens.revoke_token(token_id=token_id, by=trust.ward_manager)


def test_an_administrator_sees_and_revokes_any_token_in_the_admin(
    client: Client, trust: Trust
) -> None:
    make_token(trust.ward_manager, name="Ward export")
    token = ApiToken.objects.get()
    client.force_login(f.UserFactory(username="root", is_superuser=True, is_staff=True))

    listing = client.get("/admin/golive/apitoken/")
    response = client.post(
        "/admin/golive/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert "Ward export" in listing.content.decode()
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None


def test_the_schema_documents_the_token_scheme_and_its_401(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey"
    assert scheme["name"] == "Authorization"
    areas = schema["paths"]["/api/v1/areas/"]["get"]
    assert {"tokenAuth": []} in areas["security"]
    assert "token_expired" in areas["responses"]["401"]["description"]


@pytest.mark.django_db
def test_the_demo_gives_the_training_lead_a_token_for_their_export() -> None:
    seed_demo(staff_count=20)
    seed_demo(staff_count=20)

    token = ApiToken.objects.get()
    assert token.user.username == DEMO_TOKEN_LOGIN
    assert token.name == DEMO_TOKEN_NAME
    assert token.is_active
