"""Second factor (TOTP) for password sign-in; local sign-in switched off; password length."""

from __future__ import annotations

from binascii import unhexlify
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from golive.accounts.second_factor import SETUP_KEY_SESSION_KEY
from golive.models import Role, User
from tests import factories as f
from tests.conftest import Trust
from tests.golive.test_oidc import provider  # noqa: F401 - the provider fixture
from tests.golive.test_oidc import sign_in as sso_sign_in

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory
SET_UP = "/accounts/second-factor/set-up/"
VERIFY = "/accounts/second-factor/verify/"


def code_for(key: str, *, later: int = 0) -> str:
    totp = TOTP(unhexlify(key))
    totp.time = totp.time + later * 30
    return f"{totp.token():06d}"


def password_sign_in(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def enrol(client: Client) -> list[str]:
    """Set up an authenticator through the pages; returns the recovery codes shown."""
    client.get(SET_UP)
    key = client.session[SETUP_KEY_SESSION_KEY]
    response = client.post(SET_UP, {"code": code_for(key)})
    assert response.status_code == 200
    return list(response.context["codes"])


def give_authenticator(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_programme_manager_signing_in_with_a_password_is_sent_to_set_up_an_authenticator(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "pm")

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(SET_UP)


@pytest.mark.parametrize("path", ["/", "/staff/", "/accounts/", "/people/", "/admin/"])
def test_programme_manager_without_an_authenticator_reaches_no_other_page(
    client: Client, trust: Trust, path: str
) -> None:
    password_sign_in(client, "pm")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(SET_UP)


def test_programme_manager_without_an_authenticator_is_refused_by_the_api(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "pm")

    response = client.get("/api/v1/go-lives/")

    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_set_up_page_shows_an_inline_qr_code_and_the_secret_as_text(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "pm")

    body = client.get(SET_UP).content.decode()

    assert '<svg role="img"' in body
    assert "<img" not in body
    assert 'data-testid="totp-secret"' in body


def test_a_wrong_code_is_refused_and_the_programme_manager_stays_blocked(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "pm")
    client.get(SET_UP)
    key = client.session[SETUP_KEY_SESSION_KEY]
    wrong = f"{(int(code_for(key)) + 500_000) % 1_000_000:06d}"

    response = client.post(SET_UP, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=trust.programme_manager).exists()
    assert client.get(reverse("home"))["Location"].startswith(SET_UP)


def test_a_valid_code_sets_up_the_authenticator_and_opens_the_programme(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "pm")

    codes = enrol(client)

    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=trust.programme_manager).confirmed
    assert client.get(reverse("home")).status_code == 200


def test_at_the_next_sign_in_a_wrong_code_is_refused(client: Client, trust: Trust) -> None:
    device = give_authenticator(trust.programme_manager)
    password_sign_in(client, "pm")
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    wrong = f"{(int(code_for(device.key)) + 500_000) % 1_000_000:06d}"

    refused = client.post(VERIFY, {"code": wrong})

    assert "The code is not right" in refused.content.decode()
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)


def test_at_the_next_sign_in_the_right_code_opens_the_page_asked_for(
    client: Client, trust: Trust
) -> None:
    device = give_authenticator(trust.programme_manager)
    password_sign_in(client, "pm")

    accepted = client.post(VERIFY, {"code": code_for(device.key), "next": "/staff/"})

    assert accepted["Location"] == "/staff/"
    assert client.get(reverse("home")).status_code == 200


def test_a_code_already_used_is_refused(client: Client, trust: Trust) -> None:
    device = give_authenticator(trust.programme_manager)
    code = code_for(device.key)
    password_sign_in(client, "pm")
    client.post(VERIFY, {"code": code})
    client.post(reverse("logout"))
    password_sign_in(client, "pm")

    response = client.post(VERIFY, {"code": code})

    assert "The code is not right" in response.content.decode()


def test_a_recovery_code_signs_in_once_only(client: Client, trust: Trust) -> None:
    password_sign_in(client, "pm")
    recovery = enrol(client)[0]
    client.post(reverse("logout"))

    password_sign_in(client, "pm")
    assert client.post(VERIFY, {"code": recovery}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    password_sign_in(client, "pm")

    assert "The code is not right" in client.post(VERIFY, {"code": recovery}).content.decode()
    assert StaticToken.objects.filter(device__user=trust.programme_manager).count() == 9


def test_ward_manager_is_not_asked_for_a_second_factor(client: Client, trust: Trust) -> None:
    password_sign_in(client, "wm")

    assert client.get(reverse("home")).status_code == 200


def test_ward_manager_can_set_up_an_authenticator_from_their_account_page(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "wm")
    account = client.get(reverse("account:home")).content.decode()
    assert "Set up an authenticator app" in account

    enrol(client)
    client.post(reverse("logout"))
    password_sign_in(client, "wm")

    assert client.get(reverse("home"))["Location"].startswith(VERIFY)


def test_a_user_can_remove_their_own_authenticator(client: Client, trust: Trust) -> None:
    password_sign_in(client, "wm")
    enrol(client)

    client.post(reverse("account:second_factor_remove"))

    assert not TOTPDevice.objects.filter(user=trust.ward_manager).exists()
    assert client.get(reverse("home")).status_code == 200


def test_executive_programme_wide_though_read_only_must_set_up_an_authenticator(
    client: Client, trust: Trust
) -> None:
    password_sign_in(client, "exec")
    assert client.get(reverse("home"))["Location"].startswith(SET_UP)

    enrol(client)

    assert client.get(reverse("home")).status_code == 200


def test_site_scoped_grant_is_not_programme_wide(client: Client, trust: Trust) -> None:
    user = f.UserFactory(username="site.lead")
    grant = f.grant(user, Role.TRAINING_LEAD, trust.programme)
    grant.site = trust.ward_a.site
    grant.save()
    password_sign_in(client, "site.lead")

    assert client.get(reverse("home")).status_code == 200


def test_the_admin_needs_a_superuser_to_have_verified_a_device(
    client: Client, trust: Trust
) -> None:
    f.UserFactory(username="root", is_staff=True, is_superuser=True)
    password_sign_in(client, "root")
    assert client.get("/admin/")["Location"].startswith(SET_UP)

    enrol(client)

    assert client.get("/admin/").status_code == 200


def test_the_admins_own_password_form_is_not_used(client: Client, db: None) -> None:
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_administrator_resets_another_users_authenticator_and_it_is_logged(
    client: Client, trust: Trust
) -> None:
    give_authenticator(trust.programme_manager)
    admin_user = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    client.post(
        reverse("admin:golive_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [trust.programme_manager.pk]},
    )

    assert not TOTPDevice.objects.filter(user=trust.programme_manager).exists()
    entry = LogEntry.objects.get(object_id=str(trust.programme_manager.pk))
    assert entry.user == admin_user
    assert "second factor" in entry.get_change_message()


@pytest.mark.django_db
def test_single_sign_on_is_not_asked_for_a_second_factor(
    client: Client,
    provider: Any,  # noqa: F811
) -> None:
    sso_sign_in(client, provider, sub="subject-1", email="alex.morgan@nhs.test")
    trust = Trust()
    f.grant(User.objects.get(oidc_subject="subject-1"), Role.PROGRAMME_MANAGER, trust.programme)

    assert client.get(reverse("home")).status_code == 200
    assert "organisation account" in client.get(reverse("account:home")).content.decode()


@pytest.mark.django_db
def test_with_local_sign_in_off_the_password_is_refused_and_only_single_sign_on_shown(
    client: Client,
    provider: Any,  # noqa: F811
) -> None:
    Trust()
    with override_settings(LOCAL_LOGIN=False):
        page = client.get(reverse("login")).content.decode()
        response = password_sign_in(client, "wm")

    assert "Sign in with your organisation account" in page
    assert 'name="password"' not in page
    assert response.status_code == 200
    assert "Signing in with a Golive password is turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_with_local_sign_in_off_a_superuser_with_an_authenticator_can_break_glass(
    client: Client,
    provider: Any,  # noqa: F811
) -> None:
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    device = give_authenticator(root)
    with override_settings(LOCAL_LOGIN=False):
        assert 'name="password"' in client.get("/accounts/login/?break-glass").content.decode()
        password_sign_in(client, "root")
        assert client.get("/admin/")["Location"].startswith(VERIFY)
        client.post(VERIFY, {"code": code_for(device.key)})

        assert client.get("/admin/").status_code == 200


def test_a_password_of_eleven_characters_is_refused(db: None) -> None:
    with pytest.raises(ValidationError):
        validate_password("Xq7#mPz!wK2")

    validate_password("Xq7#mPz!wK2v")
