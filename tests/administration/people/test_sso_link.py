"""The narrow exception to matching single sign-on on ``sub`` only: a pre-provisioned
account is linked on its first sign-in when the provider vouches for the address."""

from __future__ import annotations

from django.test import Client

from administration.models import Invitation
from administration.people import services
from golive.access import Access
from golive.models import Role, User
from tests.administration.people.conftest import Trust
from tests.golive.oidc_stub import OpenIDProviderStub
from tests.golive.test_oidc import provider, sign_in, signed_in_user

__all__ = ["provider"]  # the fixture, used by name

EMAIL = "sso.person@example.nhs.uk"


def _pre_provision(trust: Trust, email: str = EMAIL) -> User:
    outcome = services.invite_person(
        access=Access(trust.pm), invited_by=trust.pm, programme=trust.programme,
        invitee=services.Invitee(email=email, first_name="Sol", last_name="Sso"),
        role=Role.CHAMPION, scope=services.Scope(), kind=Invitation.Kind.SINGLE_SIGN_ON,
    )  # fmt: skip
    return outcome.grant.user


def test_first_sign_in_with_a_verified_email_links_the_pre_provisioned_account(
    trust: Trust, client: Client, provider: OpenIDProviderStub
) -> None:
    account = _pre_provision(trust)
    verified = {"email_verified": True}
    sign_in(client, provider, sub="subject-9", email=EMAIL, userinfo_claims=verified)
    account.refresh_from_db()
    assert account.oidc_subject == "subject-9"
    assert signed_in_user(client) == account
    assert User.objects.filter(email=EMAIL).count() == 1
    assert Invitation.objects.get(user=account).accepted_at is not None


def test_unverified_email_does_not_link_the_pre_provisioned_account(
    trust: Trust, client: Client, provider: OpenIDProviderStub
) -> None:
    account = _pre_provision(trust)
    unverified = {"email_verified": False}
    sign_in(client, provider, sub="subject-9", email=EMAIL, userinfo_claims=unverified)
    account.refresh_from_db()
    assert account.oidc_subject == ""
    assert signed_in_user(client) != account
    assert Invitation.objects.get(user=account).accepted_at is None


def test_account_already_linked_to_a_subject_is_not_linked_again(
    trust: Trust, client: Client, provider: OpenIDProviderStub
) -> None:
    account = _pre_provision(trust)
    User.objects.filter(pk=account.pk).update(oidc_subject="subject-1")
    sign_in(
        client, provider, sub="subject-9", email=EMAIL, userinfo_claims={"email_verified": True}
    )
    account.refresh_from_db()
    assert account.oidc_subject == "subject-1"
    assert signed_in_user(client) != account


def test_local_account_with_the_same_email_is_not_linked(
    trust: Trust, client: Client, provider: OpenIDProviderStub
) -> None:
    local = User.objects.create_user(username="local", email=EMAIL)
    sign_in(
        client, provider, sub="subject-9", email=EMAIL, userinfo_claims={"email_verified": True}
    )
    local.refresh_from_db()
    assert local.oidc_subject == ""
    assert signed_in_user(client) != local
