"""Single sign-on through OpenID Connect, against a real provider stub on 127.0.0.1.

The application calls the stub's token, JWKS and userinfo endpoints over HTTP; only the
browser's visit to the provider's sign-in page is played by ``OpenIDProviderStub.authorize``.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from golive.models import RoleGrant, User

# Imported here, while OIDC is still off, so golive.urls (which decides at import whether to
# mount oidc/) is never first imported inside an override and left switched on for later tests.
from tests.golive import oidc_urls  # noqa: F401
from tests.golive.oidc_stub import OpenIDProviderStub, rsa_key

OIDC_BACKEND = "golive.oidc.GoliveOIDCBackend"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
SIGN_IN_PATH = "/oidc/authenticate/"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenIDProviderStub]:
    """A running provider, with the application configured to sign in through it."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    backends = [b for b in settings.AUTHENTICATION_BACKENDS if b != OIDC_BACKEND]
    with (
        OpenIDProviderStub().running() as stub,
        override_settings(
            **stub.relying_party_settings(),
            AUTHENTICATION_BACKENDS=[*backends, OIDC_BACKEND],
            ROOT_URLCONF="tests.golive.oidc_urls",
        ),
    ):
        yield stub


def start_sign_in(client: Client) -> str:
    """The authorisation URL the application sends the browser to."""
    response = client.get(SIGN_IN_PATH)
    assert response.status_code == 302
    return str(response["Location"])


def sign_in(client: Client, provider: OpenIDProviderStub, **at_provider: Any) -> HttpResponse:
    """The whole round trip: start, sign in at the provider, follow its callback."""
    callback_url = provider.authorize(start_sign_in(client), **at_provider)
    return client.get(callback_url)


def signed_in_user(client: Client) -> Any:
    """The user the client's session authenticates, as the next request would see it."""
    request = HttpRequest()
    request.session = client.session
    return auth.get_user(request)


def assert_refused(client: Client, response: HttpResponse) -> None:
    assert response.status_code == 302
    assert not signed_in_user(client).is_authenticated
    assert not User.objects.exists()


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@pytest.mark.django_db
def test_starting_sign_in_redirects_to_the_provider_with_state_nonce_and_pkce_challenge(
    client: Client, provider: OpenIDProviderStub
) -> None:
    authorization_url = start_sign_in(client)

    parts = urlsplit(authorization_url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == provider.authorization_endpoint
    assert query["client_id"] == provider.client_id
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["state"]
    assert query["nonce"]
    assert query["code_challenge"]
    assert query["code_challenge_method"] == "S256"


@pytest.mark.django_db
def test_signing_in_at_the_provider_signs_in_a_new_user_holding_the_subject_and_no_roles(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = sign_in(client, provider, sub="subject-1", email="alex.morgan@nhs.test")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get()
    assert user.oidc_subject == "subject-1"
    assert user.email == "alex.morgan@nhs.test"
    assert not user.has_usable_password()
    assert not RoleGrant.objects.filter(user=user).exists()
    assert signed_in_user(client) == user
    # With no role yet, the home page sends them to ask for one.
    assert client.get(reverse("home"))["Location"] == reverse("request_access")
    assert client.get(reverse("request_access")).status_code == 200


@pytest.mark.django_db
def test_single_sign_on_user_deactivated_while_signed_in_is_signed_out_on_the_next_request(
    client: Client, provider: OpenIDProviderStub
) -> None:
    sign_in(client, provider, sub="subject-1", email="alex.morgan@nhs.test")
    assert client.get(reverse("request_access")).status_code == 200

    User.objects.filter(oidc_subject="subject-1").update(is_active=False)

    response = client.get(reverse("request_access"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
def test_token_request_carries_the_pkce_verifier_for_the_challenge_sent_to_the_provider(
    client: Client, provider: OpenIDProviderStub
) -> None:
    authorization_url = start_sign_in(client)
    challenge = parse_qs(urlsplit(authorization_url).query)["code_challenge"][0]
    client.get(provider.authorize(authorization_url, sub="subject-1"))

    [token_request] = provider.token_requests
    assert s256(token_request.form["code_verifier"]) == challenge
    assert token_request.form["client_secret"] == provider.client_secret


@pytest.mark.django_db
def test_second_sign_in_with_the_same_subject_and_a_new_email_signs_in_the_same_user(
    client: Client, provider: OpenIDProviderStub
) -> None:
    sign_in(client, provider, sub="subject-1", email="old.address@nhs.test")
    first_user = User.objects.get()
    client.logout()

    sign_in(client, provider, sub="subject-1", email="new.address@nhs.test")

    assert User.objects.get() == first_user
    assert signed_in_user(client) == first_user
    first_user.refresh_from_db()
    assert first_user.email == "new.address@nhs.test"


@pytest.mark.django_db
def test_existing_user_holding_the_subject_is_signed_in_without_a_duplicate(
    client: Client, provider: OpenIDProviderStub
) -> None:
    existing = User.objects.create_user(
        username="amorgan", email="alex.morgan@nhs.test", oidc_subject="subject-1"
    )

    sign_in(client, provider, sub="subject-1", email="alex.morgan@nhs.test")

    assert User.objects.count() == 1
    assert signed_in_user(client) == existing


@pytest.mark.django_db
def test_local_user_with_the_same_email_but_no_subject_is_not_signed_in(
    client: Client, provider: OpenIDProviderStub
) -> None:
    local = User.objects.create_user(username="amorgan", email="alex.morgan@nhs.test")

    sign_in(client, provider, sub="subject-1", email="alex.morgan@nhs.test")

    sso_user = User.objects.get(oidc_subject="subject-1")
    assert sso_user != local
    assert signed_in_user(client) == sso_user


@pytest.mark.django_db
def test_id_token_listing_this_client_among_several_audiences_is_accepted(
    client: Client, provider: OpenIDProviderStub
) -> None:
    sign_in(
        client,
        provider,
        sub="subject-1",
        id_token_claims={"aud": ["another-client", provider.client_id]},
    )

    assert signed_in_user(client).oidc_subject == "subject-1"


@pytest.mark.django_db
def test_id_token_with_another_nonce_is_refused(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = sign_in(
        client, provider, sub="subject-1", id_token_claims={"nonce": "a-nonce-never-sent"}
    )

    assert_refused(client, response)


@pytest.mark.django_db
def test_id_token_from_another_issuer_is_refused(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = sign_in(
        client, provider, sub="subject-1", id_token_claims={"iss": "https://impostor.test"}
    )

    assert_refused(client, response)


@pytest.mark.django_db
def test_id_token_issued_for_another_client_is_refused(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = sign_in(client, provider, sub="subject-1", id_token_claims={"aud": "another-client"})

    assert_refused(client, response)


@pytest.mark.django_db
def test_expired_id_token_is_refused(client: Client, provider: OpenIDProviderStub) -> None:
    issued = int(time.time()) - 20 * 60
    response = sign_in(
        client,
        provider,
        sub="subject-1",
        id_token_claims={"iat": issued, "exp": issued + 300},
    )

    assert_refused(client, response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kid",
    [
        pytest.param(None, id="forged-under-the-providers-key-id"),
        pytest.param("unknown-key", id="forged-under-an-unknown-key-id"),
    ],
)
def test_id_token_signed_with_a_key_outside_the_jwks_is_refused(
    client: Client, provider: OpenIDProviderStub, kid: str | None
) -> None:
    response = sign_in(client, provider, sub="subject-1", signing_key=rsa_key("forger"), kid=kid)

    assert_refused(client, response)


@pytest.mark.django_db
def test_userinfo_about_another_subject_is_refused(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = sign_in(client, provider, sub="subject-1", userinfo_claims={"sub": "subject-2"})

    assert_refused(client, response)


@pytest.mark.django_db
def test_refused_sign_in_sends_the_browser_back_to_the_sign_in_page(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = sign_in(
        client, provider, sub="subject-1", id_token_claims={"iss": "https://impostor.test"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_callback_with_a_state_that_was_never_issued_is_a_bad_request(
    client: Client, provider: OpenIDProviderStub
) -> None:
    authorization_url = start_sign_in(client)
    genuine = provider.authorize(authorization_url, sub="subject-1")
    forged = genuine.replace("state=", "state=not-issued-", 1)

    response = client.get(forged)

    assert response.status_code == 400
    assert not signed_in_user(client).is_authenticated
    assert not User.objects.exists()
    assert provider.token_requests == []


@pytest.mark.django_db
def test_replaying_a_used_callback_does_not_sign_in_again(
    client: Client, provider: OpenIDProviderStub
) -> None:
    callback_url = provider.authorize(start_sign_in(client), sub="subject-1")
    client.get(callback_url)
    client.logout()

    client.get(callback_url)

    assert not signed_in_user(client).is_authenticated
    assert len(provider.token_requests) == 1


@pytest.mark.django_db
def test_sign_in_page_offers_the_organisation_account_when_single_sign_on_is_on(
    client: Client, provider: OpenIDProviderStub
) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "Sign in with your organisation account" in response.content.decode()


@pytest.mark.django_db
def test_refused_sign_ins_do_not_lock_out_single_sign_on_from_the_same_address(
    client: Client, provider: OpenIDProviderStub
) -> None:
    # Staff at a trust share a few egress addresses, and a refused callback has no username,
    # so login throttling must not count these against everyone behind that address.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            Client(), provider, sub=f"stale-{attempt}", id_token_claims={"aud": "another-client"}
        )

    sign_in(client, provider, sub="subject-1")

    assert signed_in_user(client).oidc_subject == "subject-1"
